/** Replaced at build time (tsup) and test time (vitest) with package.json's version. */
declare const __VERSION__: string;
