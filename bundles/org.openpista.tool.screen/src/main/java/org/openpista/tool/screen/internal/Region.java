package org.openpista.tool.screen.internal;

/**
 * A rectangle of the screen in pixels, the origin at the top left corner.
 *
 * @param x the left edge
 * @param y the top edge
 * @param width at least 1
 * @param height at least 1
 */
record Region(int x, int y, int width, int height) {

    Region {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a region needs a width and a height of at least 1, not "
                    + width + "x" + height);
        }
        if (x < 0 || y < 0) {
            throw new IllegalArgumentException("a region starts at x, y of 0 or more, not " + x + "," + y);
        }
    }

    /** @return the whole of a screen */
    static Region of(int width, int height) {
        return new Region(0, 0, width, height);
    }

    /**
     * @return the part of this region on a screen of the given size
     * @throws ScreenException when no part of it is on the screen
     */
    Region clip(int screenWidth, int screenHeight) throws ScreenException {
        if (x >= screenWidth || y >= screenHeight) {
            throw new ScreenException("the region " + this + " lies outside the screen, which is " + screenWidth + "x"
                    + screenHeight);
        }
        return new Region(x, y, Math.min(width, screenWidth - x), Math.min(height, screenHeight - y));
    }

    /** @return {@code x,y widthxheight} */
    @Override
    public String toString() {
        return x + "," + y + " " + width + "x" + height;
    }
}
