#!/usr/bin/env node
/**
 * The `custos` command (package.json "bin"): runs the TypeScript CLI (src/cli.ts) through tsx's
 * ESM loader, so `npx custos verify-package audit-package.zip` works from a checkout or an
 * installed package without a build step.
 */
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname });
await import(new URL("../src/cli.ts", import.meta.url).href);
