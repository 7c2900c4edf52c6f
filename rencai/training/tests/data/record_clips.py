"""How clip-3s.mp4 and clip-3s.webm were made: Chromium records a 3-second canvas with
MediaRecorder (run with the project's Python; writes into the current directory)."""

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

JS = """async ([mime, ms]) => {
  const c = document.createElement('canvas'); c.width=64; c.height=48; document.body.appendChild(c);
  const g = c.getContext('2d'); let i=0;
  const t = setInterval(()=>{g.fillStyle = `hsl(${(i++*20)%360},80%,50%)`; g.fillRect(0,0,64,48);}, 40);
  if (!MediaRecorder.isTypeSupported(mime)) return 'unsupported';
  const s = c.captureStream(25); const r = new MediaRecorder(s, {mimeType: mime}); const parts=[];
  r.ondataavailable = e => parts.push(e.data);
  const done = new Promise(res => r.onstop = res);
  r.start(); await new Promise(res=>setTimeout(res, ms)); r.stop(); await done; clearInterval(t);
  const b = new Blob(parts); const buf = new Uint8Array(await b.arrayBuffer());
  let bin=''; for (const x of buf) bin += String.fromCharCode(x); return btoa(bin);
}"""
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium")
    pg = b.new_page()
    for mime, name in [("video/webm;codecs=vp8", "clip-3s.webm"), ("video/mp4;codecs=avc1", "clip-3s.mp4")]:
        out = pg.evaluate(JS, [mime, 3000])
        if out == "unsupported":
            print(name, "unsupported")
            continue
        Path(name).write_bytes(base64.b64decode(out))
        print(name, "ok")
    b.close()
