# gate's container image: the GitHub Action runs it (action.yml: `runs.using: docker`,
# `image: Dockerfile`), and CI builds it without a Docker engine (.ci/build-image.sh, DESIGN §6).
# docs/container.md explains each choice below.

# --- builder: install gate and its dependencies into a venv; nothing from this stage but the
# venv reaches the final image, so pip, setuptools and the build frontend stay behind. Every
# package comes from requirements/image.txt, pinned with hashes (scripts/lock.sh refreshes it).
FROM debian:bookworm-slim AS builder
ARG DEBIAN_FRONTEND=noninteractive
RUN set -eu; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null; \
    rm -rf /var/lib/apt/lists/*
# Only what the wheel is built from (.dockerignore keeps the rest of the tree out), so edits to
# tests or docs do not invalidate these layers. The lock first: it changes least often.
COPY requirements/image.txt /src/requirements/image.txt
COPY pyproject.toml README.md LICENSE /src/
COPY gate /src/gate
# A build on a machine with its own package index and CA bundle (.ci/build-image.sh) mounts a pip
# configuration at /mnt and names it here; unset elsewhere, so pip uses PyPI as usual.
ARG PIP_CONFIG_FILE
# 1. The lock, with --require-hashes: a package whose file does not match its hash, or one the
#    lock does not pin, fails the build. Binary wheels only: the final image must not need, and
#    the builder does not have, a compiler. The lock includes setuptools, gate's build backend.
# 2. gate itself from /src, built with that setuptools (no build isolation, no index, no
#    dependencies): nothing is fetched that the lock did not pin.
# pip, its cache and setuptools stay in this stage, which is discarded. botocore keeps only the
# service models gate's notice publisher can use (SNS, and STS/SSO for credentials): its ~450
# other models are most of its size.
RUN set -eu; \
    python3 -m venv /opt/gate; \
    /opt/gate/bin/pip install --quiet --disable-pip-version-check \
        --require-hashes --only-binary=:all: -r /src/requirements/image.txt; \
    /opt/gate/bin/pip install --quiet --disable-pip-version-check \
        --no-deps --no-index --no-build-isolation /src; \
    /opt/gate/bin/pip uninstall --yes --quiet pip setuptools; \
    botocore_data=$(/opt/gate/bin/python -c 'import botocore, os; print(os.path.dirname(botocore.__file__))')/data; \
    find "$botocore_data" -mindepth 1 -maxdepth 1 -type d \
        ! -name sns ! -name sts ! -name sso ! -name sso-oidc -exec rm -rf {} +; \
    /opt/gate/bin/gate --version; \
    /opt/gate/bin/python -c 'import boto3; boto3.client("sns", region_name="us-east-1")'

# --- final: Debian's python3 (the venv's interpreter) and git (gate reads the change with it).
FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
ARG VERSION=dev
LABEL org.opencontainers.image.title="gate" \
      org.opencontainers.image.description="Deployment-confidence gatekeeper for CI: required docs, the golden window for flag activations, canary bounds, deployment notices." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# GitHub runs a Docker action as root with the runner's checkout (owned by another uid) mounted
# at /github/workspace; git refuses such a repository unless it is marked safe. The container
# only ever reads repositories its caller mounted, so every path is safe here.
RUN set -eu; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends python3 git >/dev/null; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log; \
    git config --system --add safe.directory '*'
COPY --from=builder /opt/gate /opt/gate
ENV PATH=/opt/gate/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# No USER and no WORKDIR, as GitHub asks of Docker actions: it runs them as root (the mounted
# workspace, event file and $GITHUB_OUTPUT belong to the runner's user, and root can write the
# outputs) and mounts the checkout at /github/workspace as the working directory itself.
ENTRYPOINT ["gate", "action"]
