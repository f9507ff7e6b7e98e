// Choose where TensorFlow.js runs, before any tensor exists.
// Run: npx tsx recipes/choose-backend.ts        (automatic: node-gpu → node → webgpu → wasm → cpu)
//      GENLAB_BACKEND=wasm npx tsx recipes/choose-backend.ts
import { BackendUnavailableError, setupBackend } from 'genlab';

export async function main(): Promise<string> {
  // With no argument, GENLAB_BACKEND decides; without it, the first backend that works.
  const choice = await setupBackend();
  console.log(choice.line);
  for (const s of choice.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);

  // Asking by name for a backend that cannot run is an error, never a silent fallback.
  if (choice.name !== 'node-gpu') {
    try {
      await setupBackend('node-gpu');
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      console.log(`as expected: ${e.message}`);
    }
  }
  return choice.name;
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
