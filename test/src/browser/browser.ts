/*
 * Helpers of the browser tests: Debian's Chromium driven by playwright-core,
 * guest sign-in through the portal's sign-in page, accessible names as
 * Chromium itself computes them (its accessibility tree over CDP), keyboard
 * navigation and screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../demo/demoConfig';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags the project runs Chromium with (headless, nothing phoning home). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Screenshots of every run (git-ignored). */
export const ARTIFACT_SCREENSHOTS = path.join(
  REPO_ROOT,
  'test',
  'artifacts',
  'screenshots',
);
/** The committed copies the README shows. */
export const DOCS_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Opens the portal and enters as Guest on its sign-in page. */
export async function signInAsGuest(page: Page, portalUrl: string) {
  await page.goto(portalUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  // The sidebar appears once the app has an identity.
  await page
    .getByRole('link', { name: 'Catalog', exact: true })
    .first()
    .waitFor();
}

/**
 * Saves `<name>.png` among the artifacts and, when `docs` and
 * MQCERT_UPDATE_SCREENSHOTS=1, as the committed copy the README shows.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean; docs?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(ARTIFACT_SCREENSHOTS, { recursive: true });
  const file = path.join(ARTIFACT_SCREENSHOTS, `${name}.png`);
  if (options.fullPage) {
    // A viewport as tall as the page, rather than Playwright's fullPage,
    // so fixed parts such as the sidebar run down the whole picture.
    const viewport = page.viewportSize()!;
    const height = await page.evaluate(
      () => document.documentElement.scrollHeight,
    );
    await page.setViewportSize({ width: viewport.width, height });
    // Two frames, so layouts sized to the viewport have followed it.
    await page.evaluate(
      () =>
        new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.screenshot({ path: file });
    await page.setViewportSize(viewport);
  } else {
    await page.screenshot({ path: file });
  }
  // The README's copies change only when asked for, so a test run leaves
  // the working tree as it was.
  if ((options.docs ?? true) && process.env.MQCERT_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOTS, `${name}.png`));
  }
  return file;
}

/** Roles a user operates: each needs a name a screen reader can announce. */
const INTERACTIVE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'switch',
  'slider',
  'spinbutton',
  'menuitem',
  'tab',
]);

interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  backendDOMNodeId?: number;
}

/**
 * Interactive elements without an accessible name, from Chromium's own
 * accessibility tree (the names assistive technology gets), each described
 * by its role and the start of its HTML.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: AxNode[];
    };
    const unnamed = nodes.filter(
      n =>
        !n.ignored &&
        n.role &&
        INTERACTIVE_ROLES.has(n.role.value) &&
        !n.name?.value?.trim(),
    );
    const described: string[] = [];
    for (const n of unnamed) {
      let html = '';
      if (n.backendDOMNodeId) {
        html = await cdp
          .send('DOM.getOuterHTML', { backendNodeId: n.backendDOMNodeId })
          .then(r => r.outerHTML.slice(0, 200))
          .catch(() => '');
      }
      described.push(`${n.role!.value}: ${html}`);
    }
    return described;
  } finally {
    await cdp.detach();
  }
}

/**
 * Presses Tab until the focused element matches, as a keyboard user would
 * move to it; fails after `maxPresses`.
 */
export async function tabTo(
  page: Page,
  what: string,
  isTarget: (el: { label: string; text: string; inDialog: boolean }) => boolean,
  maxPresses = 80,
): Promise<number> {
  for (let i = 1; i <= maxPresses; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return {
        label: el?.getAttribute('aria-label') ?? '',
        text: el?.innerText?.trim() ?? '',
        inDialog: !!el?.closest('[role="dialog"]'),
      };
    });
    if (isTarget(focused)) return i;
  }
  throw new Error(`${what}: not reached with ${maxPresses} presses of Tab`);
}
