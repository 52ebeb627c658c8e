#!/usr/bin/python3
"""make_fixture_pngs.py - write the small chart PNGs of the hand-made report
fixture (solid background, a line drawn across), so the mail tests have real,
decodable images without needing the chart module. Run from this directory."""
import struct, zlib

def png(path, w, h, bg, fg):
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            on = abs((h - 1 - y) - (x * (h - 1)) // max(w - 1, 1)) <= 1 or y in (0, h - 1) or x in (0, w - 1)
            row += bytes(fg if on else bg)
        rows.append(bytes(row))
    def chunk(t, d):
        c = struct.pack('>I', len(d)) + t + d
        return c + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
    data += chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(data)

white, navy, red = (255, 255, 255), (31, 58, 96), (192, 57, 43)
png('charts/shifts.png', 600, 180, white, red)
png('charts/heatmap.png', 400, 400, white, navy)
for p in ('SBI-SPI', 'SPI-SII', 'SBI-LP25'):
    png('charts/%s-rolling.png' % p, 600, 266, white, navy)
    png('charts/%s-rolling@2x.png' % p, 1200, 532, white, navy)
    png('charts/%s-scatter.png' % p, 320, 266, white, navy)
    png('charts/%s-years.png' % p, 600, 218, white, navy)
