// src/ui/share.ts (--qr) draws the code itself from QRCode.create; qrcode's index also loads its
// PNG (pngjs), SVG and terminal renderers.
module.exports = require('qrcode/lib/core/qrcode.js');
