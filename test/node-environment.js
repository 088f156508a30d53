const { TestEnvironment } = require('jest-environment-node');

/**
 * Jest runs each test file in its own V8 context with its own typed-array constructors, while
 * native addons (onnxruntime-node) create arrays in the main context; onnxruntime's
 * `instanceof Float32Array` check then fails. The test context gets the main context's
 * typed arrays, as the apps see them in production.
 */
class NodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'ArrayBuffer',
      'Float32Array',
      'Float64Array',
      'Int8Array',
      'Int16Array',
      'Int32Array',
      'Uint8Array',
      'Uint16Array',
      'Uint32Array',
      'BigInt64Array',
      'BigUint64Array',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = NodeEnvironment;
