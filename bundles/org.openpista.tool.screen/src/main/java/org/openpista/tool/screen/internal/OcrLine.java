package org.openpista.tool.screen.internal;

/**
 * A run of recognised words on one line of the screen, with its box in the pixels of the image
 * Tesseract read.
 *
 * @param left the left edge
 * @param top the top edge
 * @param width the width
 * @param height the height
 * @param confidence Tesseract's mean confidence of its words, 0 to 100
 * @param text the words, separated by single spaces
 */
record OcrLine(int left, int top, int width, int height, double confidence, String text) {

    int right() {
        return left + width;
    }

    int bottom() {
        return top + height;
    }

    /** @return the area this line and another one share */
    long overlap(OcrLine other) {
        long across = Math.min(right(), other.right()) - (long) Math.max(left, other.left);
        long down = Math.min(bottom(), other.bottom()) - (long) Math.max(top, other.top);
        return across <= 0 || down <= 0 ? 0 : across * down;
    }

    long area() {
        return (long) width * height;
    }
}
