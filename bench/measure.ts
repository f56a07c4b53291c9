/**
 * One benchmark group: tinybench tasks measured side by side in one run,
 * each row with its gofer requests per operation and its ratio to the
 * group's baseline (node:fs/promises where there is one).
 */
import { Bench } from "tinybench";

export interface Row {
  group: string;
  subject: string;
  opsPerSec: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** 9P requests per operation, for sentry rows. */
  requests: number | null;
  /** mean / the baseline's mean, in the same run. */
  ratio: number | null;
  baseline: string;
}

export interface Task {
  subject: string;
  fn: () => unknown | Promise<unknown>;
  /** Counts gofer requests so far (a sandbox's requestCount). */
  requests?: () => number;
  /** Runs before each iteration, untimed (a fresh sandbox, say). */
  beforeEach?: () => unknown | Promise<unknown>;
}

export interface Budget {
  timeMs: number;
  warmupMs: number;
  minIterations: number;
}

export async function measure(
  group: string,
  baseline: string,
  tasks: Task[],
  budget: Budget,
): Promise<Row[]> {
  const bench = new Bench({
    time: budget.timeMs,
    warmupTime: budget.warmupMs,
    iterations: budget.minIterations,
    warmupIterations: 2,
    throws: true,
  });
  const counts = new Map<string, { n: number; r0: number }>();
  for (const t of tasks) {
    const c = { n: 0, r0: 0 };
    counts.set(t.subject, c);
    bench.add(t.subject, async () => {
      c.n++;
      await t.fn();
    }, {
      beforeAll: (_task: unknown, mode?: string) => {
        if (mode === "warmup") return;
        c.n = 0;
        c.r0 = t.requests?.() ?? 0;
      },
      beforeEach: t.beforeEach
        ? async () => {
          const r = t.requests?.() ?? 0;
          await t.beforeEach!();
          // What the untimed setup sent is not the operation's.
          c.r0 += (t.requests?.() ?? 0) - r;
        }
        : undefined,
    } as never);
  }
  await bench.run();

  const rows: Row[] = [];
  for (const task of bench.tasks) {
    const r = task.result as {
      state: string;
      latency?: { mean: number; p50: number; p99: number;
        samplesCount?: number; samples?: number[] };
      error?: Error;
    };
    if (r.state !== "completed" || !r.latency) {
      throw new Error(`${group} / ${task.name}: ${r.state} ${r.error ?? ""}`);
    }
    const t = tasks.find((x) => x.subject === task.name)!;
    const c = counts.get(task.name)!;
    rows.push({
      group, subject: task.name, baseline,
      // Operations per second over the whole run: 1/mean, consistent with
      // the ratio. (tinybench's throughput.mean averages each sample's
      // rate, which fast outliers inflate.)
      opsPerSec: 1000 / r.latency.mean,
      meanMs: r.latency.mean, p50Ms: r.latency.p50, p99Ms: r.latency.p99,
      samples: c.n,
      requests: t.requests && c.n > 0 ? (t.requests() - c.r0) / c.n : null,
      ratio: null,
    });
  }
  const base = rows.find((r) => r.subject === baseline);
  for (const r of rows) r.ratio = base ? r.meanMs / base.meanMs : null;
  return rows;
}
