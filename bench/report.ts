/**
 * The benchmark report: the rows as JSON, a Markdown table, and an SVG
 * chart of mean latency per case (log scale), shared against exclusive
 * against native.
 */
import fs from "node:fs";
import path from "node:path";
import type { Row } from "./measure.ts";

export interface Meta {
  date: string;
  runtime: string;
  tree: string;
  quick: boolean;
}

export function fmtTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtOps(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n < 10 ? 2 : 0);
}

export function markdown(rows: Row[], meta: Meta): string {
  const out = [
    `Measured ${meta.date} on ${meta.runtime}; tree: ${meta.tree}` +
    (meta.quick ? "; QUICK run, figures not meaningful" : "") + ".",
    "",
    "| case | subject | ops/s | mean | p50 | p99 | requests/op | " +
    "vs baseline |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const ratio = r.ratio === null ? "" : r.subject === r.baseline
      ? "baseline"
      : `${r.ratio.toFixed(2)}x`;
    const req = r.requests === null ? "" : r.requests.toFixed(
      Number.isInteger(r.requests) ? 0 : 2,
    );
    out.push(
      `| ${r.group} | ${r.subject} | ${fmtOps(r.opsPerSec)} | ` +
        `${fmtTime(r.meanMs)} | ${fmtTime(r.p50Ms)} | ` +
        `${fmtTime(r.p99Ms)} | ${req} | ${ratio} |`,
    );
  }
  return out.join("\n") + "\n";
}

function color(subject: string): string {
  if (subject.includes("diod")) return "#8e6bbf";
  if (subject.includes("no spin")) return "#f2b880";
  if (subject.includes("shared")) return "#e8843c";
  if (subject.includes("exclusive") || subject.includes("(ours)")) {
    return "#3b7dd8";
  }
  if (subject.includes("OverlayFs")) return "#4aa564";
  return "#8a8a8a";
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function svg(rows: Row[], meta: Meta): string {
  const barH = 14;
  const gap = 4;
  const left = 330;
  const width = 960;
  const plotW = width - left - 90;
  const min = Math.min(...rows.map((r) => r.meanMs));
  const max = Math.max(...rows.map((r) => r.meanMs));
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const x = (ms: number) =>
    left + ((Math.log10(ms) - lo) / (hi - lo || 1)) * plotW;
  const parts: string[] = [];
  let y = 50;
  let lastGroup = "";
  for (const r of rows) {
    if (r.group !== lastGroup) {
      y += 10;
      parts.push(`<text x="8" y="${y + 10}" font-weight="bold">` +
        `${esc(r.group)}</text>`);
      y += barH + gap;
      lastGroup = r.group;
    }
    const w = Math.max(1, x(r.meanMs) - left);
    parts.push(
      `<text x="${left - 6}" y="${y + 11}" text-anchor="end">` +
        `${esc(r.subject)}</text>`,
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" ` +
        `fill="${color(r.subject)}"/>`,
      `<text x="${(left + w + 4).toFixed(1)}" y="${y + 11}">` +
        `${esc(fmtTime(r.meanMs))}</text>`,
    );
    y += barH + gap;
  }
  const axis: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const xx = x(10 ** e).toFixed(1);
    axis.push(
      `<line x1="${xx}" y1="40" x2="${xx}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${xx}" y="36" text-anchor="middle" fill="#666">` +
        `${esc(fmtTime(10 ** e))}</text>`,
    );
  }
  const title = `Mean latency per operation, log scale ` +
    `(${meta.runtime}; ${meta.tree.split(" ")[0]} tree` +
    `${meta.quick ? "; quick run" : ""})`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" ` +
    `height="${y + 20}" font-family="sans-serif" font-size="11">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="8" y="18" font-size="13" font-weight="bold">` +
    `${esc(title)}</text>\n` +
    axis.join("\n") + "\n" + parts.join("\n") + "\n</svg>\n";
}

/**
 * writeReport writes NAME.json, NAME.md and NAME.svg into dir: "latest"
 * for a full run, "quick" for a --quick one (so CI's quick run never
 * replaces the figures the README shows).
 */
export function writeReport(rows: Row[], meta: Meta, dir: string): string {
  const name = meta.quick ? "quick" : "latest";
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`),
    JSON.stringify({ meta, rows }, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, `${name}.md`), markdown(rows, meta));
  fs.writeFileSync(path.join(dir, `${name}.svg`), svg(rows, meta));
  return name;
}
