// bench/players/hlsjs.js: play an HLS URL in headless Chromium with hls.js
// for SECONDS and print what the viewer lived through as one JSON line.
//   node hlsjs.js PAGE_URL STREAM_URL SECONDS
const { chromium } = require("playwright-core");

(async () => {
  const [page, src, secs] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
  const p = await browser.newPage();
  await p.goto(page + "?src=" + encodeURIComponent(src));
  await p.waitForTimeout(Number(secs) * 1000);
  const rv = await p.evaluate(() => window.rv);
  console.log(JSON.stringify(rv));
  await browser.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
