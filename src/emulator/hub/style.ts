/**
 * The hub's stylesheet, inlined in every page: the emulator runs offline and in CI, so the page
 * may load nothing from anywhere (no fonts, images or scripts). Logos are coloured monograms.
 */
export const HUB_CSS = `
*{box-sizing:border-box}
html{background:#f7f8fb}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b2233;background:linear-gradient(180deg,#eef1f8 0,#f7f8fb 320px)}
.topbar{display:flex;align-items:center;gap:.6rem;max-width:40rem;margin:0 auto;padding:1.25rem 1.25rem 0;font-weight:650}
.mark{display:grid;place-items:center;width:2rem;height:2rem;border-radius:8px;background:#1b2233;color:#fff;font-size:.8rem;letter-spacing:.02em}
.tag{margin-left:auto;padding:.15rem .55rem;border-radius:999px;background:#fff3d6;color:#7a5300;font-size:.75rem;font-weight:600;border:1px solid #f1d48a}
main{max-width:40rem;margin:1rem auto 1.5rem;background:#fff;border:1px solid #e3e7ef;border-radius:14px;padding:1.75rem 2rem;box-shadow:0 8px 28px rgba(27,34,51,.08)}
.eyebrow{margin:0;color:#5d6679;font-size:.8rem;font-weight:600;text-transform:uppercase;letter-spacing:.08em}
h1{margin:.2rem 0 .15rem;font-size:1.55rem;line-height:1.25}
h2{margin:1.4rem 0 .6rem;font-size:.95rem}
h3{margin:1rem 0 .5rem;color:#5d6679;font-size:.75rem;font-weight:650;text-transform:uppercase;letter-spacing:.08em}
.muted{color:#5d6679}.small{font-size:.85rem}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f8;border-radius:5px;padding:.1em .35em;word-break:break-all}
.meta{display:flex;flex-wrap:wrap;gap:.4rem;margin:.9rem 0 0;padding:0;list-style:none}
.chip{padding:.2rem .6rem;border-radius:999px;background:#eef2ff;color:#2a3b8f;font-size:.8rem;font-weight:600}
.chip.plain{background:#f1f3f8;color:#3b4458;font-weight:500}
.notice{margin:1.1rem 0 0;padding:.7rem .9rem;border-radius:10px;font-size:.9rem;border:1px solid}
.notice.error{background:#fff1f1;border-color:#f3c2c2;color:#8a1c1c}
.notice.cancelled{background:#f4f5f8;border-color:#dde1ea;color:#3b4458}
.notice.authenticated,.notice.edit{background:#effaf3;border-color:#bfe5cc;color:#1d5e35}
.notice.pending{background:#eef4ff;border-color:#c7d7fb;color:#1f3f8f}
fieldset{border:0;margin:0;padding:0}
legend{padding:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.6rem}
.provider{position:relative;display:flex;align-items:center;gap:.65rem;padding:.7rem .8rem;border:1.5px solid #dde1ea;border-radius:10px;cursor:pointer;background:#fff}
.provider:hover{border-color:#9fb2e8}
.provider input{position:absolute;opacity:0;pointer-events:none}
.provider:has(input:checked){border-color:#2f5bea;box-shadow:0 0 0 3px rgba(47,91,234,.15);background:#f7f9ff}
.provider:has(input:focus-visible){outline:2px solid #2f5bea;outline-offset:2px}
.logo{display:grid;place-items:center;flex:none;width:2.1rem;height:2.1rem;border-radius:8px;color:#fff;font-weight:700;font-size:.85rem}
.name{font-weight:600;line-height:1.2}.cat{display:block;color:#5d6679;font-size:.75rem;font-weight:500}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1.5rem}
button{flex:1 1 8rem;padding:.7rem 1rem;font:inherit;font-weight:600;border-radius:9px;border:1.5px solid #d3d8e3;background:#fff;color:#1b2233;cursor:pointer}
button.primary{flex:2 1 12rem;background:#2f5bea;border-color:#2f5bea;color:#fff}
button.primary:hover{background:#2549c7}
button.danger{color:#a32020;border-color:#efc0c0}
button:hover{filter:brightness(.97)}
footer{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;margin-top:1.5rem;padding-top:1rem;border-top:1px solid #eceff5;color:#5d6679;font-size:.8rem}
.result{text-align:center;padding:.5rem 0}
.icon{display:grid;place-items:center;width:3.5rem;height:3.5rem;margin:0 auto .75rem;border-radius:50%;font-size:1.6rem;font-weight:700}
.icon.authenticated{background:#e3f6ea;color:#1d7a42}.icon.error,.icon.expired,.icon.invalid,.icon.bad-request{background:#fde8e8;color:#a32020}
.icon.cancelled{background:#eef0f5;color:#3b4458}
a.button{display:inline-block;margin-top:.75rem;padding:.6rem 1.2rem;border-radius:9px;background:#2f5bea;color:#fff;font-weight:600;text-decoration:none}
.foot{max-width:40rem;margin:0 auto 2rem;padding:0 1.25rem;color:#6b7386;font-size:.8rem;text-align:center}
.icon svg{display:block}
@media (max-width:30rem){main{margin:.75rem .75rem 1.25rem;padding:1.4rem 1.1rem}}
`;
