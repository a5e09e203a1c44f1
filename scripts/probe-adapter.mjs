// Exit 0 and print the adapter's name when Dawn finds a WebGPU adapter; exit 1 otherwise.
// Used by scripts/setup.sh to decide whether a Vulkan driver must be installed.
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.log('no adapter');
  process.exit(1);
}
const info = adapter.info ?? {};
console.log(`${info.vendor ?? '?'} ${info.device ?? info.description ?? '?'} (${info.architecture ?? ''})`);
process.exit(0);
