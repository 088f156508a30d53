// The typed SDK is a sibling folder linked into node_modules; its main is TypeScript source.
const path = require('node:path');
const { getDefaultConfig } = require('expo/metro-config');

const config = getDefaultConfig(__dirname);
const sdk = path.resolve(__dirname, '../sdk');

config.watchFolders = [...(config.watchFolders ?? []), sdk];
// The SDK's own imports (openapi-fetch, eventsource-parser) come from this app's node_modules.
config.resolver.nodeModulesPaths = [path.resolve(__dirname, 'node_modules')];
config.resolver.unstable_enableSymlinks = true;
// The QR decoder's WebAssembly is served from public/, never bundled nor fetched from a CDN.
config.resolver.assetExts = [...config.resolver.assetExts.filter((e) => e !== 'wasm')];

module.exports = config;
