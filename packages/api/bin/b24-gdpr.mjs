#!/usr/bin/env node
// The operator CLI. Our sources are TypeScript, so register tsx's loader before importing them.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
