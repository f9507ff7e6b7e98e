// The page's shared TensorFlow.js runtime as React state: every section waits for the same load.
import { useEffect, useState } from 'react';
import useBaseUrl from '@docusaurus/useBaseUrl';
import { loadDemoRuntime, type DemoRuntime } from './runtime';

export function useRuntime(): { runtime?: DemoRuntime; error?: string } {
  const modelsUrl = useBaseUrl('/models');
  const [state, setState] = useState<{ runtime?: DemoRuntime; error?: string }>({});
  useEffect(() => {
    let live = true;
    loadDemoRuntime(modelsUrl).then(
      (runtime) => live && setState({ runtime }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [modelsUrl]);
  return state;
}
