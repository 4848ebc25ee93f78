// The Pairing page in a real browser against the real host: a native client
// and a GameStream client pair with the PIN typed into the page, a wrong PIN
// fails cleanly and the retry works, and Unpair removes a client. Requests
// must appear on the page without a reload (they are pushed, not polled).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GameStreamClient } from '@punktfunk/gamestream-client';
import type { PairedClientInfo } from '@punktfunk/shared';
import {
  HOST_TOKEN,
  newConfigDir,
  type RunningHost,
  startHost,
  startPairingClient,
} from '@punktfunk/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openBrowser, screenshot } from './browser.js';

const configDir = newConfigDir();
let host: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  host = await startHost(configDir, { PUNKTFUNK_NATIVE_LOOPBACK_PAIRING: '1' });
  browser = await openBrowser({ width: 1280, height: 800 });
  page = browser.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await host?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

async function pairedClients(): Promise<PairedClientInfo[]> {
  return ((await (await host.api('/clients')).json()) as { clients: PairedClientInfo[] }).clients;
}

/** The native client CLI, pairing on its first run; it prints the PIN on stderr. */
function nativeClient(name: string, seconds: number) {
  const {
    proc,
    stderr: stderrText,
    done,
  } = startPairingClient(host.nativePort, join(configDir, name), name, seconds);
  const pin = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /enter PIN (\d{4})/.exec(stderrText());
      if (m) resolve(m[1]!);
    };
    proc.stderr?.on('data', check);
    proc.on('exit', () => reject(new Error(`the client exited without a PIN:\n${stderrText()}`)));
  });
  return { done, pin, stderr: stderrText };
}

/** The waiting request of this kind and name, as the page shows it. */
function requestRow(kind: 'native' | 'gamestream', name: string) {
  return page.locator(`[data-testid=pairing-request][data-kind=${kind}]`, {
    has: page.getByTestId('request-name').getByText(name, { exact: true }),
  });
}

async function typePin(kind: 'native' | 'gamestream', name: string, pin: string, shot?: string) {
  const row = requestRow(kind, name);
  await row.waitFor();
  if (shot) await screenshot(page, shot);
  await row.getByTestId('pin-input').fill(pin);
  await row.getByTestId('pin-input').press('Enter');
}

/** The outcome line of the latest attempt by this client. */
function outcome(name: string) {
  return page.getByTestId('pairing-outcome').filter({ hasText: name }).first();
}

describe('Pairing page, end to end', () => {
  it('opens from the header and says what to do while nothing waits', async () => {
    await page.goto(`${new URL(host.apiBase).origin}/#token=${HOST_TOKEN}`);
    await page.getByTestId('performance-page').waitFor();
    await page.getByRole('link', { name: 'Pairing' }).click();
    await page.getByTestId('pairing-page').waitFor();
    await expect(page.getByTestId('requests-empty').textContent()).resolves.toMatch(
      /In Moonlight, add this host.*enter it here/,
    );
    // The address to type on another machine is the host's LAN address, never the page's 127.0.0.1.
    const { lanAddresses } = (await (await host.api('/status')).json()) as { lanAddresses: string[] };
    const howTo = (await page.getByTestId('requests-empty').textContent()) ?? '';
    expect(howTo).not.toContain('127.0.0.1');
    if (lanAddresses.length) expect(howTo).toContain(`--host ${lanAddresses[0]}`);
    else await page.getByTestId('no-lan-address').waitFor();
    await page.getByTestId('paired-empty').waitFor();
    await expect(page.getByTestId('apps-list').textContent()).resolves.toContain('Desktop');
    // Marks this document: if the page reloaded, the mark would be gone.
    await page.evaluate(() => Object.assign(window, { pairingPageMark: true }));
    await screenshot(page, '10-pairing-empty');
  });

  it('a native client asks; the request appears at once; the PIN typed here pairs it and it streams', async () => {
    const client = nativeClient('e2e-laptop', 2);
    const pin = await client.pin;
    await page.getByTestId('nav-pairing-count').getByText('1').waitFor();
    await typePin('native', 'e2e-laptop', pin, '10-pairing-native-request');
    await expect(outcome('e2e-laptop').textContent()).resolves.toMatch(/paired$/);
    const run = await client.done;
    expect(run.code, client.stderr()).toBe(0);
    expect(run.summary.framesDecoded).toBeGreaterThan(0);
    await page.locator('[data-testid=paired-row]', { hasText: 'e2e-laptop' }).waitFor();
    expect(await page.evaluate(() => 'pairingPageMark' in window)).toBe(true);
    await screenshot(page, '10-pairing-native-paired');
  });

  it('a GameStream client pairs with the PIN typed here', async () => {
    const gs = await GameStreamClient.create({
      http: host.gamestream!.httpPort,
      https: host.gamestream!.httpsPort,
    });
    const result = await gs.pair('4821', () =>
      typePin('gamestream', 'gs-test', '4821', '10-pairing-gs-request'),
    );
    expect(result).toMatchObject({ paired: true });
    await expect(outcome('gs-test').textContent()).resolves.toMatch(/paired$/);
    await page.locator(`[data-testid=paired-row][data-fingerprint="${gs.fingerprint}"]`).waitFor();
    expect((await pairedClients()).map((c) => c.fingerprint)).toContain(gs.fingerprint);
  });

  it('a wrong PIN fails cleanly and says so; the retry with the right PIN pairs', async () => {
    const gs = await GameStreamClient.create(
      { http: host.gamestream!.httpPort, https: host.gamestream!.httpsPort },
      'FEDCBA9876543210',
    );
    const failed = await gs.pair('1357', () => typePin('gamestream', 'gs-test', '2468'));
    expect(failed.paired).toBe(false);
    await outcome('gs-test').getByText('wrong PIN — the client can try again').waitFor();
    await page.getByTestId('requests-empty').waitFor();
    expect((await pairedClients()).map((c) => c.fingerprint)).not.toContain(gs.fingerprint);
    await screenshot(page, '10-pairing-wrong-pin');
    // The failed pair() sends /unpair without waiting (as Moonlight does); were it
    // to land after the retry's first phase it would cancel the retry.
    await gs.http('/unpair');

    const retry = await gs.pair('1357', () => typePin('gamestream', 'gs-test', '1357'));
    expect(retry).toMatchObject({ paired: true });
    await expect(outcome('gs-test').textContent()).resolves.toMatch(/paired$/);
    await page.locator(`[data-testid=paired-row][data-fingerprint="${gs.fingerprint}"]`).waitFor();
    await expect(page.getByTestId('paired-row').count()).resolves.toBe(3);
    await screenshot(page, '10-pairing-paired-list');
  });

  it('tells the two gs-test clients apart by the short fingerprint next to the name, and renames one in place', async () => {
    const gsClients = (await pairedClients()).filter((c) => c.name === 'gs-test');
    expect(gsClients).toHaveLength(2);
    const [older, newer] = gsClients as [PairedClientInfo, PairedClientInfo];
    expect(older.shortFingerprint).not.toBe(newer.shortFingerprint);
    const rowOf = (c: PairedClientInfo) =>
      page.locator(`[data-testid=paired-row][data-fingerprint="${c.fingerprint}"]`);
    for (const c of gsClients) {
      await expect(rowOf(c).getByTestId('client-name').textContent()).resolves.toBe('gs-test');
      await expect(rowOf(c).getByTestId('client-fingerprint').textContent()).resolves.toBe(
        c.shortFingerprint,
      );
    }
    await screenshot(page, '10-pairing-fingerprints');

    const row = rowOf(newer);
    await row.getByTestId('rename').click();
    const input = row.getByTestId('rename-input');
    await input.fill('living room');
    await screenshot(page, '10-pairing-rename');
    await input.press('Enter');
    await row.getByTestId('client-name').getByText('living room', { exact: true }).waitFor();
    await expect(rowOf(older).getByTestId('client-name').textContent()).resolves.toBe('gs-test');
    expect((await pairedClients()).find((c) => c.fingerprint === newer.fingerprint)?.name).toBe(
      'living room',
    );

    // A name the host refuses (a right-to-left override) is said, and nothing changes.
    await row.getByTestId('rename').click();
    await input.fill('evil\u202Egpj.exe');
    await row.getByTestId('rename-save').click();
    await page.getByText(/Could not rename living room.*U\+202E/).waitFor();
    await screenshot(page, '10-pairing-rename-refused');
    await row.getByTestId('rename-cancel').click();
    await row.getByTestId('client-name').getByText('living room', { exact: true }).waitFor();
    expect((await pairedClients()).find((c) => c.fingerprint === newer.fingerprint)?.name).toBe(
      'living room',
    );
    // Renamed after a reload too: the host keeps the name.
    await page.reload();
    await row.getByTestId('client-name').getByText('living room', { exact: true }).waitFor();
    await page.evaluate(() => Object.assign(window, { pairingPageMark: true }));
  });

  it('Refuse turns a client away: it is told, nothing is stored', async () => {
    const before = (await pairedClients()).length;
    const client = nativeClient('e2e-stranger', 1);
    await client.pin;
    const row = page.getByTestId('pairing-request').filter({ hasText: 'e2e-stranger' });
    await row.getByTestId('pin-refuse').click();
    await expect(outcome('e2e-stranger').textContent()).resolves.toMatch(/refused by you$/);
    const run = await client.done;
    expect(run.code).toBe(1);
    expect(String(run.summary.stopReason)).toMatch(/refused/);
    expect((await pairedClients()).length).toBe(before);
  });

  it('Unpair asks first, then removes the client from the page and the host', async () => {
    const [first] = await pairedClients();
    const row = page.locator(`[data-testid=paired-row][data-fingerprint="${first!.fingerprint}"]`);
    await row.getByTestId('unpair').click();
    await page.getByRole('dialog').waitFor();
    await screenshot(page, '10-pairing-unpair-confirm');
    await page.getByTestId('confirm').click();
    await row.waitFor({ state: 'detached' });
    expect((await pairedClients()).map((c) => c.fingerprint)).not.toContain(first!.fingerprint);
    await expect(page.getByTestId('paired-row').count()).resolves.toBe(2);
  });
});
