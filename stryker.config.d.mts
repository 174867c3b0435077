// Types of stryker.config.mjs for scripts/mutate.ts.
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

export declare const folders: Record<string, { label: string; mutate: string[]; testFiles?: string[] }>;
declare const config: PartialStrykerOptions;
export default config;
