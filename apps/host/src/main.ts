// The host process entry: reads config, checks the media engine, and runs
// until SIGINT/SIGTERM. Streaming paths, the recorder and the management API
// attach here as they are built.
import { ConfigError, loadConfig } from './config.js';
import { probeEngine } from './engine-probe.js';

function main(): void {
  // Handlers first: a stop request during start-up must still end cleanly.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = (signal: string) => {
    console.info(`punktfunk host: ${signal}, stopping`);
    clearInterval(keepAlive);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    const config = loadConfig();
    const probe = probeEngine(config);
    console.info(
      `punktfunk host: engine ready, ${config.width}x${config.height}@${config.fps} ` +
        `${config.codec} via ${probe.encoder.encoderName}; first frame ${probe.firstFrameBytes} bytes ` +
        `in ${(probe.firstFrameUs / 1000).toFixed(1)} ms`,
    );
  } catch (error) {
    clearInterval(keepAlive);
    const message = error instanceof Error ? error.message : String(error);
    const what = error instanceof ConfigError ? 'configuration' : 'start-up';
    console.error(`punktfunk host: ${what} failed: ${message}`);
    process.exitCode = 1;
  }
}

main();
