#!/usr/bin/env node
// The `iopath` CLI (`npx iopath run FILE.json`). It runs the TypeScript sources directly
// through tsx, so the CLI and the browser run exactly the same engine code.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
