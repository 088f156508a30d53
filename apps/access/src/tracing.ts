import { startTracing } from '@roomkey/common/tracing/tracing';

// Imported first by main.ts: spans exist before any module that makes them is loaded.
startTracing('access');
