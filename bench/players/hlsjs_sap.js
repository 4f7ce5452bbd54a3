// bench/players/hlsjs_sap.js: hls.js in headless Chromium on a channel with a
// second audio program (bench/players/sap.html) for SECONDS: switches to the
// track in LANG and prints what the page saw and heard as one JSON line.
//   node hlsjs_sap.js PAGE_URL STREAM_URL SECONDS [LANG]
const { chromium } = require("playwright-core");

(async () => {
  const [page, src, secs, lang] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required"],
  });
  const p = await browser.newPage();
  await p.goto(page + "?src=" + encodeURIComponent(src) + "&lang=" + (lang || "es"));
  await p.waitForTimeout(Number(secs) * 1000);
  console.log(JSON.stringify(await p.evaluate(() => window.rv)));
  await browser.close();
})().catch((e) => { console.error(String(e)); process.exit(1); });
