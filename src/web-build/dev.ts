/**
 * `npm run dev`: the API (`eduzen start`, demo data on a fresh embedded database) on
 * $PORT (3000) and Vite's dev server with hot reload on $EDUZEN_WEB_PORT (5173), proxying /api.
 * Open the Vite URL. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';
import { PROJECT_ROOT } from '../server/dashboard-build';

const apiPort = process.env.PORT ?? '3000';
const api = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/eduzen.js'), 'start'], {
  env: { ...process.env, PORT: apiPort },
  stdio: 'inherit',
});
api.once('exit', (code) => {
  console.error(`API exited (${code ?? 'signal'})`);
  process.exit(code ?? 1);
});

process.env.EDUZEN_API_URL ??= `http://127.0.0.1:${apiPort}`;
const server = await createServer({ configFile: path.join(PROJECT_ROOT, 'vite.config.ts') });
await server.listen();
server.printUrls();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    api.kill(signal);
    void server.close().then(() => process.exit(0));
  });
}
