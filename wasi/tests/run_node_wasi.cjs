'use strict';
// Runs a wasm32-wasi command under Node's WASI with one preopen:
//   node run_node_wasi.js MODULE.wasm HOST_DIR GUEST_DIR
const fs = require('fs');
const { WASI } = require('wasi');
const [wasmPath, hostDir, guestDir] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [wasmPath], env: {},
                        preopens: { [guestDir]: hostDir }, returnOnExit: true });
const instance = new WebAssembly.Instance(
    new WebAssembly.Module(fs.readFileSync(wasmPath)), wasi.getImportObject());
process.exitCode = wasi.start(instance);
