// Integration tests build the apps in-process; keep their logs to warnings and errors.
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
// As each app's main.ts does: spans exist, so trace context travels through HTTP and Kafka.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('@roomkey/common/tracing/tracing').startTracing('integration-test');
