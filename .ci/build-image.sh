#!/usr/bin/env bash
# Build gate's container image on a machine without a Docker engine or registry (DESIGN §6).
#
#   .ci/build-image.sh [--refresh-base] [IMAGE]        (as root; IMAGE defaults to "gate")
#
# 1. buildah and debootstrap from Debian (skipped when installed);
# 2. a minbase bookworm root filesystem from this machine's Debian mirror, trimmed like the
#    official -slim image and cached as a tar in $GATE_CI_CACHE (default /var/cache/gate-ci);
# 3. that rootfs committed into buildah's storage as docker.io/library/debian:bookworm-slim,
#    the name the Dockerfile starts FROM (skipped when present);
# 4. `buildah bud` of the Dockerfile, with the host's CA bundle and pip index configuration
#    mounted at /mnt so pip inside the build reaches the same registry the host uses.
# Each step prints its duration. --refresh-base rebuilds the cached rootfs and base image.
set -Eeuo pipefail

SUITE=bookworm
BASE_IMAGE=docker.io/library/debian:bookworm-slim
CACHE_DIR=${GATE_CI_CACHE:-/var/cache/gate-ci}
ROOTFS_TAR=$CACHE_DIR/$SUITE-rootfs.tar
HOST_CA=/etc/ssl/certs/ca-certificates.crt
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILDAH=(buildah --storage-driver vfs)

refresh_base=false
image=gate
for arg in "$@"; do
    case $arg in
        --refresh-base) refresh_base=true ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-image: unknown option $arg (see --help)" >&2; exit 2 ;;
        *) image=$arg ;;
    esac
done

current_step="start"
trap 'echo "build-image: FAILED during \"$current_step\" (exit $?); see the output above" >&2' ERR
# Temporary files and trees, removed however the script ends.
scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT

die() { echo "build-image: error: $*" >&2; exit 1; }
log() { echo "build-image: $*"; }
now() { date +%s.%N; }
# timed NAME COMMAND...: run COMMAND and print how long it took.
timed() {
    local name=$1 started
    shift
    current_step=$name
    started=$(now)
    "$@"
    log "$(printf '%-44s %6s s' "$name" "$(seconds_since "$started")")"
}
seconds_since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap and buildah's vfs storage need it)"
[[ -r $HOST_CA ]] || die "no CA bundle at $HOST_CA: install ca-certificates on the host"

install_tools() {
    if command -v buildah >/dev/null && command -v debootstrap >/dev/null; then
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # No recommends: vfs storage and chroot isolation need neither fuse-overlayfs nor slirp4netns.
    apt-get install -y -qq --no-install-recommends buildah debootstrap 2>&1 >/dev/null \
        | { grep -v '^debconf: delaying package configuration' || true; } >&2
}

# debian_uri SUITE: the first URI of an enabled `deb` source for SUITE on this machine
# (deb822 .sources files first, then one-line .list entries).
debian_uri() {
    local suite=$1 file
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -r $file ]] || continue
        awk -v suite="$suite" '
            BEGIN { RS = ""; FS = "\n"; IGNORECASE = 1 }
            {
                types = ""; uris = ""; suites = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/) continue
                    key = tolower(line); sub(/:.*/, "", key)
                    value = line; sub(/^[^:]*:[ \t]*/, "", value)
                    if (key == "types") types = value
                    else if (key == "uris") uris = value
                    else if (key == "suites") suites = value
                    else if (key == "enabled") enabled = tolower(value)
                }
                if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " suite " ")) {
                    split(uris, u, /[ \t]+/); print u[1]; exit
                }
            }' "$file"
    done | head -n1 | grep . && return
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk -v suite="$suite" '$1 == "deb" { sub(/\[[^]]*\][ \t]*/, ""); if ($3 == suite) { print $2; exit } }' \
        | grep .
}

# slim_rootfs DIR: what the official -slim images drop (documentation, man pages, locales) and
# the dpkg/apt settings that keep later installs (the Dockerfile's apt-get) equally lean.
slim_rootfs() {
    local root=$1
    cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
EOF
    cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Acquire::GzipIndexes "true";' > "$root/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$root"/usr/share/{info,man,groff,linda,lintian,locale}/* \
        "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/var/log/* "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
    # The same sources the official image has, on this machine's mirrors.
    rm -f "$root/etc/apt/sources.list"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$MIRROR" "$SUITE" "$SUITE"
        printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        if [[ -n $SECURITY_MIRROR ]]; then
            printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$SECURITY_MIRROR" "$SUITE"
            printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        fi
    } > "$root/etc/apt/sources.list.d/debian.sources"
    : > "$root/etc/machine-id"
}

make_rootfs() {
    local work
    mkdir -p "$CACHE_DIR"
    work=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
    # The half-made tree goes whatever happens; only a complete tar is ever left in the cache.
    scratch+=("$work" "$ROOTFS_TAR.partial")
    if ! debootstrap --variant=minbase "$SUITE" "$work" "$MIRROR" > "$CACHE_DIR/debootstrap.log" 2>&1; then
        tail -n 20 "$CACHE_DIR/debootstrap.log" >&2
        die "debootstrap failed (full log: $CACHE_DIR/debootstrap.log)"
    fi
    slim_rootfs "$work"
    tar -C "$work" --numeric-owner --xattrs -cf "$ROOTFS_TAR.partial" .
    mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
}

base_image_exists() {
    "${BUILDAH[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1
}

commit_base_image() {
    local ctr mnt
    ctr=$("${BUILDAH[@]}" from scratch)
    mnt=$("${BUILDAH[@]}" mount "$ctr")
    tar -C "$mnt" --numeric-owner --xattrs -xf "$ROOTFS_TAR"
    "${BUILDAH[@]}" umount "$ctr" >/dev/null
    "${BUILDAH[@]}" config --cmd bash \
        --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --label org.opencontainers.image.description="Debian $SUITE minbase, built locally by gate's CI" "$ctr"
    "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
}

# pip_conf FILE: pip settings for inside the build: the host CA bundle (mounted at
# /mnt/host-ca.crt) and the host's index, so the build installs from the registry the host uses.
# Local file:// indexes and find-links are not reachable from the build and are left out.
pip_conf() {
    local out=$1 index extra trusted url kept=()
    index=${PIP_INDEX_URL:-$(pip_config global.index-url)}
    extra=${PIP_EXTRA_INDEX_URL:-$(pip_config global.extra-index-url)}
    trusted=${PIP_TRUSTED_HOST:-$(pip_config global.trusted-host)}
    {
        echo "[global]"
        echo "cert = /mnt/host-ca.crt"
        echo "disable-pip-version-check = true"
        echo "cache-dir = /mnt/pip-cache"
        if [[ $index == http://* || $index == https://* ]]; then echo "index-url = $index"; fi
        for url in $extra; do
            if [[ $url == http://* || $url == https://* ]]; then kept+=("$url"); fi
        done
        if ((${#kept[@]})); then echo "extra-index-url = ${kept[*]}"; fi
        if [[ -n $trusted ]]; then echo "trusted-host = $trusted"; fi
    } > "$out"
}

# pip_config KEY: KEY from the host's pip configuration (every file pip reads), or nothing.
pip_config() {
    local pip
    pip=$(command -v pip3 || command -v pip || true)
    if [[ -n $pip ]]; then
        "$pip" config get "$1" 2>/dev/null | tr '\n' ' ' || true
        return
    fi
    # No pip on the host: read the system-wide files pip would read.
    local section=${1%%.*} key=${1#*.}
    awk -v section="[$section]" -v key="$key" '
        /^\[/ { in_section = ($0 == section); next }
        in_section && $1 == key { sub(/^[^=]*=[ \t]*/, ""); print; exit }' \
        /etc/pip.conf /etc/xdg/pip/pip.conf 2>/dev/null || true
}

build_image() {
    local mounted=$CACHE_DIR/build-mount version
    # One directory mounted over the base image's empty /mnt: a --volume onto a path the image
    # lacks (say /etc/pip.conf) would leave an empty stub file behind in every RUN's layer. It
    # also keeps pip's cache between builds.
    mkdir -p "$mounted/pip-cache"
    cp "$HOST_CA" "$mounted/host-ca.crt"
    pip_conf "$mounted/pip.conf"
    chmod a+r "$mounted/host-ca.crt" "$mounted/pip.conf"
    log "pip inside the build: $(grep -v '^\[' "$mounted/pip.conf" | tr '\n' ' ')"
    version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$REPO_ROOT/gate/__init__.py")
    # No --layers: vfs stores every cached layer as a full copy of the tree (about 1 GB per build
    # of a changed gate/), and the cache key ignores --volume, so a cached step could carry what
    # an older mount left. pip's own cache (above) is what keeps a rebuild quick.
    "${BUILDAH[@]}" bud --isolation chroot --pull=never --layers=false --quiet \
        --build-arg VERSION="${version:-dev}" \
        --build-arg PIP_CONFIG_FILE=/mnt/pip.conf \
        --volume "$mounted:/mnt" \
        -f "$REPO_ROOT/Dockerfile" -t "$image" "$REPO_ROOT" \
        > /dev/null 2> >({ grep -v '^debconf: delaying package configuration' || true; } >&2)
}

total_started=$(now)
timed "tools (buildah, debootstrap)" install_tools

MIRROR=$(debian_uri "$SUITE") || die "no Debian mirror for $SUITE in /etc/apt/sources.list.d or sources.list"
SECURITY_MIRROR=$(debian_uri "$SUITE-security") || SECURITY_MIRROR=""
log "Debian mirror: $MIRROR${SECURITY_MIRROR:+ (security: $SECURITY_MIRROR)}"

if $refresh_base; then
    rm -f "$ROOTFS_TAR"
    if base_image_exists; then "${BUILDAH[@]}" rmi --force "$BASE_IMAGE" >/dev/null; fi
fi
if [[ -s $ROOTFS_TAR ]]; then
    log "base rootfs: reusing $ROOTFS_TAR"
else
    timed "base rootfs (debootstrap)" make_rootfs
fi
if base_image_exists; then
    log "base image: reusing $BASE_IMAGE"
else
    timed "base image (commit $BASE_IMAGE)" commit_base_image
fi
timed "image build ($image)" build_image
# Dangling images: the one this build replaced (untagged by the new one) and any a failed build left.
"${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true

log "image $image built: $("${BUILDAH[@]}" images --format '{{.Size}}' "$image") (uncompressed)"
log "$(printf '%-44s %6s s' "total" "$(seconds_since "$total_started")")"
