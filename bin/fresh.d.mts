export declare const REPO: string;
export declare function freshBundle(name: "sentry" | "gofer"): string | null;
