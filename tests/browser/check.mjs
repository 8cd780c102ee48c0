// Renders gate's Markdown reports the way GitHub shows them and checks what a reader would see.
//
//   node check.mjs --in DIR --out DIR [--mermaid 10,11,12] [--widths 690,1012]
//
// Every DIR/*.md is turned into HTML by markdown-it (GitHub-flavoured: tables, literal autolinks,
// raw HTML as GitHub allows it), styled by github-markdown-css, and each ```mermaid block is drawn
// by Mermaid in headless Chromium, once per Mermaid version and page width. The checks read the
// DOM: each chart is an SVG without an error, no two tick labels of an axis overlap, section labels
// do not cross the bars, window bars never overlap a freeze bar, and nothing is wider than the page
// (no table that scrolls sideways). A screenshot of each rendering goes to --out. The result is one
// JSON document on stdout: {"results": [{scenario, mermaid, width, charts, problems, screenshot}]}.
//
// Chromium runs with the network closed: everything the page needs is inlined, nothing is fetched.

import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";

import MarkdownIt from "markdown-it";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);

const { values: options } = parseArgs({
  options: {
    in: { type: "string" },
    out: { type: "string" },
    mermaid: { type: "string", default: "10,11,12" },
    widths: { type: "string", default: "690,1012" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
  },
});
if (!options.in || !options.out) {
  console.error("usage: node check.mjs --in DIR --out DIR [--mermaid 10,11,12] [--widths 690,1012]");
  process.exit(2);
}

// GitHub renders Markdown with cmark-gfm: tables, strikethrough, literal autolinks (www., http://),
// and a filtered set of raw HTML (<br>, <sub>, <details>...). Links are enabled here on purpose, so
// that a report that lets a link through shows it as an <a> element the checks catch.
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });
// GFM's literal autolinks: http(s)://, www. and e-mail addresses; not bare domains ("RUNBOOK.md").
markdown.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
markdown.linkify.add("www.", {
  validate: (text, pos) => {
    const tail = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+[^\s<]*/i.exec(text.slice(pos));
    return tail ? tail[0].length : 0;
  },
  normalize: (match) => { match.url = `http://${match.url}`; },
});
const css = readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");

// One page per Mermaid version; each rendering puts a report in #report at a width.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style><style>
  body { margin: 0; background: #ffffff; }
  .frame { padding: 16px; width: max-content; }
  .mermaid-chart { width: 100%; }
</style></head><body><div class="frame"><article class="markdown-body" id="report"></article></div></body></html>`;

function show(body, width) {
  const report = document.getElementById("report");
  report.style.width = `${width}px`;
  report.innerHTML = body;
}

// Runs in the page: replaces each mermaid code block by the chart Mermaid draws from it.
async function draw_charts() {
  const blocks = [...document.querySelectorAll("#report pre > code.language-mermaid")];
  const outcomes = [];
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
  for (const [index, block] of blocks.entries()) {
    const holder = document.createElement("div");
    holder.className = "mermaid-chart";
    holder.dataset.chart = String(index);
    block.parentElement.replaceWith(holder);
    try {
      window.chartCount = (window.chartCount || 0) + 1;
      const { svg } = await window.mermaid.render(`chart${window.chartCount}`, block.textContent, holder);
      holder.innerHTML = svg;
      outcomes.push({ index, error: null });
    } catch (error) {
      holder.textContent = `Mermaid error: ${error && error.message ? error.message : error}`;
      outcomes.push({ index, error: String(error && error.message ? error.message : error) });
    }
  }
  return outcomes;
}

// Runs in the page: every problem a reader would see, as a sentence.
function inspect(width) {
  const problems = [];
  const report = document.getElementById("report");
  const bounds = report.getBoundingClientRect();
  const box = (element) => element.getBoundingClientRect();
  const describe = (element) => {
    const text = (element.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
    return `<${element.tagName.toLowerCase()}> "${text}"`;
  };
  const apart = (a, b, gap) => a.right + gap <= b.left || b.right + gap <= a.left
    || a.bottom <= b.top || b.bottom <= a.top;

  // The charts.
  const charts = [...report.querySelectorAll(".mermaid-chart")];
  for (const [index, chart] of charts.entries()) {
    const name = `chart ${index + 1}`;
    const svg = chart.querySelector("svg");
    if (!svg) {
      problems.push(`${name}: no SVG (${chart.textContent.slice(0, 200)})`);
      continue;
    }
    if (svg.getAttribute("aria-roledescription") === "error" || svg.querySelector(".error-icon, .error-text")) {
      problems.push(`${name}: Mermaid drew its error picture`);
      continue;
    }
    const drawing = box(svg);
    // Tick labels: none touch (2 px apart at least), and none is cut off by the drawing's edge.
    const ticks = [...svg.querySelectorAll(".tick text")].filter((t) => t.textContent.trim());
    if (ticks.length < 2) problems.push(`${name}: the time axis has ${ticks.length} labelled tick(s)`);
    const tick_boxes = ticks.map((t) => ({ text: t.textContent, rect: box(t) })).sort((a, b) => a.rect.left - b.rect.left);
    for (let i = 1; i < tick_boxes.length; i++) {
      const [a, b] = [tick_boxes[i - 1], tick_boxes[i]];
      if (!apart(a.rect, b.rect, 2)) problems.push(`${name}: tick labels "${a.text}" and "${b.text}" overlap`);
    }
    for (const tick of tick_boxes) {
      if (tick.rect.left < drawing.left - 0.5 || tick.rect.right > drawing.right + 0.5) {
        problems.push(`${name}: tick label "${tick.text}" is cut off at the edge`);
      }
    }
    // Bars (window openings, freezes) and milestones (activations).
    const tasks = [...svg.querySelectorAll("rect.task")];
    const task_id = (rect) => (rect.id || "").replace(/^.*-/, "");
    // Section labels never cross a bar or a milestone.
    for (const title of svg.querySelectorAll("text.sectionTitle")) {
      if (!title.textContent.trim()) continue;
      const label = box(title);
      for (const task of tasks) {
        if (!apart(label, box(task), 0)) {
          problems.push(`${name}: section label "${title.textContent.trim()}" crosses the bar ${task_id(task) || "?"}`);
          break;
        }
      }
    }
    // Task labels stay inside the drawing.
    for (const text of svg.querySelectorAll("text[class*=taskText]")) {
      const label = box(text);
      if (label.width && (label.left < drawing.left - 0.5 || label.right > drawing.right + 0.5)) {
        problems.push(`${name}: the label "${text.textContent.trim()}" runs out of the drawing`);
      }
    }
    // A window bar (id w…) never overlaps a freeze bar (id f…): frozen time is never drawn as open.
    const windows = tasks.filter((t) => /^w\d+$/.test(task_id(t)));
    const freezes = tasks.filter((t) => /^f\d+$/.test(task_id(t)));
    for (const opening of windows) {
      for (const freeze of freezes) {
        const [a, b] = [box(opening), box(freeze)];
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5) {
          problems.push(`${name}: window bar ${task_id(opening)} is drawn over freeze ${task_id(freeze)}`);
        }
      }
    }
  }

  // Nothing is wider than the page, and nothing scrolls sideways.
  const scrolls = (element) => ["auto", "scroll", "hidden"].includes(getComputedStyle(element).overflowX);
  for (const element of report.querySelectorAll("*")) {
    if (element.closest("svg")) continue;
    if (scrolls(element) && element.scrollWidth > element.clientWidth + 1) {
      problems.push(`${width}px: ${describe(element)} scrolls sideways (${element.scrollWidth}px in ${element.clientWidth}px)`);
      continue;
    }
    let inside_scroller = false;
    for (let parent = element.parentElement; parent && parent !== report; parent = parent.parentElement) {
      if (scrolls(parent)) inside_scroller = true;
    }
    if (!inside_scroller && box(element).right > bounds.right + 1) {
      problems.push(`${width}px: ${describe(element)} overflows the page by ${Math.round(box(element).right - bounds.right)}px`);
    }
  }
  if (report.scrollWidth > report.clientWidth + 1) {
    problems.push(`${width}px: the report is ${report.scrollWidth}px wide`);
  }

  // Nothing from a finding became a link, an image, HTML or a mention.
  const allowed = new Set(["h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "strong",
    "em", "br", "sub", "ol", "ul", "li", "blockquote", "div", "details", "summary"]);
  for (const element of report.querySelectorAll("*")) {
    if (element.closest("svg")) continue;
    const tag = element.tagName.toLowerCase();
    if (!allowed.has(tag)) problems.push(`${describe(element)}: an element the report never writes`);
  }
  const walker = document.createTreeWalker(report, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("code, pre, svg")) continue;
    // gate names the pull request it judges ("pull request #7"); nothing else may refer to one.
    const text = node.textContent.replace(/pull request #\d+/g, "");
    const mention = /(?:^|[^\w`])(@[a-z0-9][a-z0-9-]*|#\d+|GH-\d+)/i.exec(text);
    if (mention) problems.push(`"${mention[1]}" would be a mention or a reference on GitHub`);
  }

  return { charts: charts.length, problems };
}

async function main() {
  const scenarios = readdirSync(options.in).filter((name) => name.endsWith(".md")).sort();
  const versions = options.mermaid.split(",").map((v) => v.trim()).filter(Boolean);
  const widths = options.widths.split(",").map(Number).filter(Boolean);
  mkdirSync(options.out, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "gate-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: options.chromium,
    pipe: true,
    ignoreDefaultArgs: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--hide-scrollbars", "--font-render-hinting=none", `--user-data-dir=${profile}`,
    ],
  });
  const results = [];
  try {
    for (const version of versions) {
      const page = await browser.newPage();
      // Nothing leaves the machine: a request the page makes is refused and reported.
      const requests = [];
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        if (request.url().startsWith("data:") || request.url() === "about:blank") return request.continue();
        requests.push(request.url());
        return request.abort();
      });
      await page.setContent(PAGE, { waitUntil: "load" });
      await page.addScriptTag({ path: require.resolve(`mermaid${version}/dist/mermaid.min.js`) });
      for (const scenario of scenarios) {
        const body = markdown.render(readFileSync(join(options.in, scenario), "utf8"));
        for (const width of widths) {
          requests.length = 0;
          await page.setViewport({ width: width + 32, height: 600, deviceScaleFactor: 1 });
          await page.evaluate(show, body, width);
          const drawn = await page.evaluate(draw_charts);
          const found = await page.evaluate(inspect, width);
          const problems = [
            ...drawn.filter((d) => d.error).map((d) => `chart ${d.index + 1}: Mermaid error: ${d.error}`),
            ...found.problems,
            ...requests.map((url) => `the page asked the network for ${url}`),
          ];
          const name = `${basename(scenario, ".md")}--mermaid${version}--${width}px.png`;
          const frame = await page.$(".frame");
          await frame.screenshot({ path: join(options.out, name) });
          // Each chart on its own (the docs show one).
          for (const [index, chart] of (await page.$$("#report .mermaid-chart")).entries()) {
            await chart.screenshot({ path: join(options.out, name.replace(/\.png$/, `--chart${index + 1}.png`)) });
          }
          results.push({ scenario: basename(scenario, ".md"), mermaid: version, width, charts: found.charts,
            problems: [...new Set(problems)], screenshot: name });
        }
      }
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  writeFileSync(1, JSON.stringify({ results }, null, 1) + "\n");
}

main().catch((error) => {
  console.error(`check.mjs: ${error && error.stack ? error.stack : error}`);
  process.exit(3);
});
