// Decodes an 8-bit RGB or RGBA PNG (what Chromium's --screenshot writes) and says how much of it is not background,
// so that a test can tell a rendered page from a blank one without an image library.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

public static class PngStats
{
    public sealed class Result
    {
        public int Width;
        public int Height;
        public int DistinctColors;
        /// <summary>Fraction of pixels that differ from the most common colour.</summary>
        public double NonBackground;
        /// <summary>Pixels per colour (0xRRGGBB).</summary>
        public Dictionary<int, int> Histogram = new Dictionary<int, int>();
    }

    public static Result Read(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        byte[] signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
        for (int i = 0; i < 8; i++) if (data[i] != signature[i]) throw new InvalidDataException("not a PNG");
        int pos = 8, width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        while (pos < data.Length)
        {
            int length = (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
            string type = System.Text.Encoding.ASCII.GetString(data, pos + 4, 4);
            if (type == "IHDR")
            {
                width = (data[pos + 8] << 24) | (data[pos + 9] << 16) | (data[pos + 10] << 8) | data[pos + 11];
                height = (data[pos + 12] << 24) | (data[pos + 13] << 16) | (data[pos + 14] << 8) | data[pos + 15];
                int depth = data[pos + 16], colorType = data[pos + 17], interlace = data[pos + 20];
                if (depth != 8 || (colorType != 2 && colorType != 6) || interlace != 0) throw new InvalidDataException("only 8-bit RGB/RGBA, not interlaced");
                channels = colorType == 6 ? 4 : 3;
            }
            else if (type == "IDAT") idat.Write(data, pos + 8, length);
            else if (type == "IEND") break;
            pos += 12 + length;
        }
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        byte[] bytes = raw.ToArray();
        int stride = width * channels;
        var prev = new byte[stride];
        var line = new byte[stride];
        var result = new Result { Width = width, Height = height };
        for (int y = 0; y < height; y++)
        {
            int offset = y * (stride + 1);
            byte filter = bytes[offset];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? line[x - channels] : 0, b = prev[x], c = x >= channels ? prev[x - channels] : 0;
                int v = bytes[offset + 1 + x];
                switch (filter)
                {
                    case 1: v += a; break;
                    case 2: v += b; break;
                    case 3: v += (a + b) / 2; break;
                    case 4:
                        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                        break;
                }
                line[x] = (byte)v;
            }
            for (int x = 0; x < width; x++)
            {
                int rgb = (line[x * channels] << 16) | (line[x * channels + 1] << 8) | line[x * channels + 2];
                result.Histogram.TryGetValue(rgb, out int n);
                result.Histogram[rgb] = n + 1;
            }
            var t = prev; prev = line; line = t;
        }
        int top = 0;
        foreach (var kv in result.Histogram) top = Math.Max(top, kv.Value);
        result.DistinctColors = result.Histogram.Count;
        result.NonBackground = 1.0 - (double)top / ((long)width * height);
        return result;
    }
}
