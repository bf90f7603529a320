#!/usr/bin/env node
// The `actorgres` command. actorgres runs from its TypeScript sources through
// tsx's loader (worker processes get the same loader on their command line).
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
