package org.openpista.channel.mobile.internal;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.EncodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.pairing.QrCode;

/**
 * Encodes a link as a QR code (ZXing), at error correction level M: phones read it off a terminal.
 *
 * <p>About one link in fifteen gets a mask whose data modules look like finder patterns to a
 * scanner, which then finds no code or a damaged one (ZXing's own reader fails on a perfect image of
 * it). So the code is read back as a scanner would, and another mask is used when that fails.
 */
final class QrEncoder {

    /** The masks a QR code can have. */
    private static final int MASKS = 8;
    /** Pixels per module and quiet-zone modules of the image the read-back check draws. */
    private static final int SCALE = 4;
    private static final int QUIET = 4;

    private QrEncoder() {}

    /** @throws IllegalArgumentException when the text does not fit in a QR code */
    static QrCode encode(String data) {
        try {
            // links are ASCII: no character set hint, so no ECI segment a scanner could stumble on
            ByteMatrix matrix = Encoder.encode(data, ErrorCorrectionLevel.M).getMatrix();
            for (int mask = 0; mask < MASKS && !readable(matrix, data); mask++) {
                matrix = Encoder.encode(data, ErrorCorrectionLevel.M, Map.of(EncodeHintType.QR_MASK_PATTERN, mask))
                        .getMatrix();
            }
            return new QrCode(data, rows(matrix));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode the link as a QR code: " + e.getMessage(), e);
        }
    }

    /** @return whether a scanner reads the text from a plain image of the modules */
    static boolean readable(ByteMatrix matrix, String data) {
        int side = (matrix.getWidth() + 2 * QUIET) * SCALE;
        int[] pixels = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int mx = x / SCALE - QUIET;
                int my = y / SCALE - QUIET;
                boolean dark = mx >= 0 && my >= 0 && mx < matrix.getWidth() && my < matrix.getHeight() && matrix.get(mx, my) == 1;
                pixels[y * side + x] = dark ? 0xff000000 : 0xffffffff;
            }
        }
        try {
            return data.equals(new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new RGBLuminanceSource(side, side, pixels)))).getText());
        } catch (ReaderException e) {
            return false;
        }
    }

    private static List<String> rows(ByteMatrix matrix) {
        List<String> rows = new ArrayList<>(matrix.getHeight());
        for (int y = 0; y < matrix.getHeight(); y++) {
            StringBuilder row = new StringBuilder(matrix.getWidth());
            for (int x = 0; x < matrix.getWidth(); x++) {
                row.append(matrix.get(x, y) == 1 ? '1' : '0');
            }
            rows.add(row.toString());
        }
        return rows;
    }
}
