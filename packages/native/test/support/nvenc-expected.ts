// Whether this machine should be able to encode with NVENC, decided without
// asking the encoder under test: a broken NVENC path must fail the NVENC
// tests, not quietly take the "no GPU" branch.
//   PUNKTFUNK_EXPECT_NVENC=1 / 0   says so explicitly (CI on a GPU runner);
//   otherwise: an NVIDIA device node and the driver's encoder library.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** The driver's NVENC library; FFmpeg's h264_nvenc loads it by this name at run time. */
const ENCODE_LIBRARY = 'libnvidia-encode.so.1';
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/nvidia/lib64'];

function nvidiaDevicePresent(): boolean {
  try {
    return readdirSync('/dev').some((name) => /^nvidia\d+$/.test(name));
  } catch {
    return false;
  }
}

function encodeLibraryPresent(): boolean {
  try {
    const cache = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (cache.includes(ENCODE_LIBRARY)) return true;
  } catch {
    // No ldconfig on PATH: look in the usual places below.
  }
  return LIBRARY_DIRS.some((dir) => existsSync(`${dir}/${ENCODE_LIBRARY}`));
}

export function nvencExpected(env: NodeJS.ProcessEnv = process.env): boolean {
  const explicit = env.PUNKTFUNK_EXPECT_NVENC;
  if (explicit === '1') return true;
  if (explicit === '0') return false;
  if (explicit !== undefined && explicit !== '') {
    throw new Error(`PUNKTFUNK_EXPECT_NVENC must be 1 or 0, got ${JSON.stringify(explicit)}`);
  }
  return nvidiaDevicePresent() && encodeLibraryPresent();
}
