// What a failed browser check leaves behind: a picture of the page beside the one it was to take, and the text
// the page showed, so that a red test says what the browser saw.
export async function leaveEvidence(page, screenshot, error, shown) {
  if (page) {
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  }
  console.error(`${error.stack ?? error.message}\n--- the page showed ---\n${shown.slice(0, 4000)}`);
  process.exitCode = 1;
}
