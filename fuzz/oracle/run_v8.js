// Runs a module in V8 (node) under the oracle's protocol and prints the same
// canonical trace as wsbx-trace (fuzz/trace_main.cc, fuzz/oracle/README.md).
//   node --experimental-wasm-type-reflection run_v8.js [--no-memory] [--dump-memory F] M.wasm
// Type reflection gives every import's and export's signature, which the
// protocol needs: default arguments per type, and v128 values that cannot
// cross into JS are routed through a small generated wasm adapter.
'use strict';

const fs = require('fs');

const LOG_MODULE = 'fuzzing-support';
const HANG_LIMIT_EXPORT = 'hangLimitInitializer';

function emit(line) {
  // Written at once so a run killed by a timeout still leaves its prefix.
  fs.writeSync(1, line + '\n');
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bits = new BigUint64Array(f64.buffer);

function hex(n, digits) {
  return '0x' + n.toString(16).padStart(digits, '0');
}

// One value in the trace's notation (see FormatValue in trace_main.cc).
function formatValue(type, v) {
  switch (type) {
    case 'i32':
      return 'i32 ' + (v | 0);
    case 'i64':
      return 'i64 ' + BigInt.asIntN(64, BigInt(v)).toString();
    case 'f32':
      if (Number.isNaN(v)) return 'f32 nan';
      f32[0] = v;
      return 'f32 ' + hex(f32Bits[0], 8);
    case 'f64':
      if (Number.isNaN(v)) return 'f64 nan';
      f64[0] = v;
      return 'f64 ' + hex(f64Bits[0], 16);
    case 'funcref':
    case 'anyfunc':
      return v === null ? 'funcref null' : 'funcref func';
    case 'externref':
      return v === null ? 'externref null' : 'externref extern';
    default:
      return type + ' ?';
  }
}

// The shared trap vocabulary, from V8's trap messages.
function trapWord(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  if (!(e instanceof WebAssembly.RuntimeError)) return 'other';
  const m = e.message;
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'oob';
  if (/by zero/.test(m)) return 'div0';
  if (/divide result unrepresentable/.test(m)) return 'overflow';
  if (/float unrepresentable/.test(m)) return 'conv';
  if (/null function|signature mismatch/.test(m)) return 'indirect';
  if (/table|element segment/.test(m)) return 'table';
  return 'other';
}

// ---- A minimal wasm encoder for the v128 adapters --------------------------

const TYPE_CODE = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b,
  funcref: 0x70, anyfunc: 0x70, externref: 0x6f,
};

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function name(s) {
  const bytes = [...Buffer.from(s, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function section(id, items) {
  const body = [...uleb(items.length), ...items.flat()];
  return [id, ...uleb(body.length), ...body];
}

function funcType(params, results) {
  return [0x60, ...uleb(params.length), ...params.map((t) => TYPE_CODE[t]),
          ...uleb(results.length), ...results.map((t) => TYPE_CODE[t])];
}

// The instruction pushing a zero of `type`.
function zeroOf(type) {
  switch (type) {
    case 'i32': return [0x41, 0x00];
    case 'i64': return [0x42, 0x00];
    case 'f32': return [0x43, 0, 0, 0, 0];
    case 'f64': return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
    case 'v128': return [0xfd, 0x0c, ...new Array(16).fill(0)];
    case 'externref': return [0xd0, 0x6f];
    default: return [0xd0, 0x70];
  }
}

// A wasm function of type (params) -> (results) that passes its arguments
// to the JS function `inner`, each v128 split into four i32 lanes (lane 0
// first), and returns zeroes: how a host function with a v128 in its
// signature is given to V8.
function v128Adapter(params, results, inner) {
  const innerParams = params.flatMap((t) => (t === 'v128' ? ['i32', 'i32', 'i32', 'i32'] : [t]));
  const code = [];
  params.forEach((t, i) => {
    if (t !== 'v128') {
      code.push(0x20, ...uleb(i));
      return;
    }
    for (let lane = 0; lane < 4; ++lane) {
      code.push(0x20, ...uleb(i), 0xfd, ...uleb(27), lane);  // i32x4.extract_lane
    }
  });
  code.push(0x10, 0x00);  // call the JS function
  for (const t of results) code.push(...zeroOf(t));
  code.push(0x0b);
  const body = [0x00, ...code];  // no locals
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [funcType(innerParams, []), funcType(params, results)]),
    ...section(2, [[...name('h'), ...name('f'), 0x00, 0x00]]),
    ...section(3, [[0x01]]),
    ...section(7, [[...name('f'), 0x00, 0x01]]),
    ...section(10, [[...uleb(body.length), ...body]]),
  ];
  const module = new WebAssembly.Module(new Uint8Array(bytes));
  return new WebAssembly.Instance(module, { h: { f: inner } }).exports.f;
}

// ---- Imports ----------------------------------------------------------------

function hasV128(type) {
  return type.parameters.includes('v128') || type.results.includes('v128');
}

// A host function for one imported function: log-* prints its arguments by
// their declared types; anything else returns zeroes and is named on stderr.
function importFunction(imp) {
  const type = imp.type;
  const isLog = imp.module === LOG_MODULE && imp.name.startsWith('log-');
  if (!isLog) {
    process.stderr.write(`run_v8: import ${imp.module}.${imp.name} is a stub returning zeroes\n`);
  }
  const jsFunction = (...args) => {
    if (isLog) {
      const parts = ['log'];
      let a = 0;
      for (const t of type.parameters) {  // a v128 arrives as four i32 lanes
        if (t === 'v128') {
          const lanes = args.slice(a, a + 4).map((x) => hex(x >>> 0, 8));
          parts.push('v128 ' + lanes.join(':'));
          a += 4;
        } else {
          parts.push(formatValue(t, args[a]));
          a += 1;
        }
      }
      emit(parts.join(' '));
    }
    if (hasV128(type)) return undefined;  // the adapter supplies results
    const zeros = type.results.map((t) => (t === 'i64' ? 0n : (t === 'funcref' || t === 'externref' || t === 'anyfunc') ? null : 0));
    if (zeros.length === 0) return undefined;
    return zeros.length === 1 ? zeros[0] : zeros;
  };
  if (!hasV128(type)) return jsFunction;
  return v128Adapter(type.parameters, type.results, jsFunction);
}

function importObject(module) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] = imports[imp.module] || {};
    let value;
    switch (imp.kind) {
      case 'function':
        value = importFunction(imp);
        break;
      case 'memory':
        value = new WebAssembly.Memory({ initial: imp.type.minimum, maximum: imp.type.maximum });
        break;
      case 'table':
        value = new WebAssembly.Table({ element: imp.type.element, initial: imp.type.minimum, maximum: imp.type.maximum });
        break;
      case 'global':
        value = new WebAssembly.Global({ value: imp.type.value, mutable: imp.type.mutable },
                                       imp.type.value === 'i64' ? 0n : undefined);
        break;
    }
    imports[imp.module][imp.name] = value;
  }
  return imports;
}

// ---- The protocol -----------------------------------------------------------

function defaultArg(type) {
  if (type === 'i64') return 0n;
  if (type === 'funcref' || type === 'externref' || type === 'anyfunc') return null;
  return 0;
}

// FNV-1a (32-bit), as HashBytes in trace_main.cc.
function hashBytes(bytes) {
  let h = 2166136261;
  for (let i = 0; i < bytes.length; ++i) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  return h >>> 0;
}

// Calls one export; returns false when the trace must end.
function runExport(exp, fn, hangLimitInit) {
  const type = exp.type;
  if (hasV128(type)) {
    emit(`skip ${exp.name} v128`);
    return true;
  }
  if (hangLimitInit) {
    try {
      hangLimitInit();
    } catch (e) {
      const word = trapWord(e);
      emit(`trap ${HANG_LIMIT_EXPORT} ${word}`);
      return word !== 'stack';
    }
  }
  let result;
  try {
    result = fn(...type.parameters.map(defaultArg));
  } catch (e) {
    const word = trapWord(e);
    if (word === 'other') process.stderr.write(`run_v8: ${exp.name}: ${e}\n`);
    emit(`trap ${exp.name} ${word}`);
    return word !== 'stack';
  }
  const values = type.results.length === 1 ? [result] : (result === undefined ? [] : [...result]);
  const parts = [`result ${exp.name}`];
  type.results.forEach((t, i) => parts.push(formatValue(t, values[i])));
  emit(parts.join(' '));
  return true;
}

function main() {
  const args = process.argv.slice(2);
  const memoryHash = !args.includes('--no-memory');
  const dumpAt = args.indexOf('--dump-memory');
  let dumpPath = dumpAt >= 0 ? args.splice(dumpAt, 2)[1] : null;
  const path = args.find((a) => !a.startsWith('--'));
  if (!path) {
    process.stderr.write('usage: node --experimental-wasm-type-reflection run_v8.js [--no-memory] [--dump-memory F] M.wasm\n');
    process.exit(2);
  }
  let module;
  try {
    module = new WebAssembly.Module(fs.readFileSync(path));
  } catch (e) {
    emit('load error');
    process.stderr.write(`run_v8: ${e}\n`);
    process.exit(1);
  }
  let instance;
  try {
    instance = new WebAssembly.Instance(module, importObject(module));
  } catch (e) {
    if (e instanceof WebAssembly.LinkError) {
      emit('link error');
      process.exit(1);
    }
    emit(`instantiate ${e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? trapWord(e) : 'error'}`);
    return;
  }
  const exportsInfo = WebAssembly.Module.exports(module);
  const hangLimitInit = exportsInfo.some((e) => e.kind === 'function' && e.name === HANG_LIMIT_EXPORT)
    ? instance.exports[HANG_LIMIT_EXPORT] : null;
  for (const exp of exportsInfo) {
    if (exp.kind !== 'function' || exp.name === HANG_LIMIT_EXPORT) continue;
    if (!runExport(exp, instance.exports[exp.name], hangLimitInit)) return;
  }
  if (!memoryHash) return;
  for (const exp of exportsInfo) {
    if (exp.kind !== 'memory') continue;
    const buffer = instance.exports[exp.name].buffer;
    emit(`memory ${exp.name} ${buffer.byteLength / 65536} ${hex(hashBytes(new Uint8Array(buffer)), 8)}`);
    if (dumpPath) {
      fs.writeFileSync(dumpPath, new Uint8Array(buffer));
      dumpPath = null;
    }
  }
}

main();
