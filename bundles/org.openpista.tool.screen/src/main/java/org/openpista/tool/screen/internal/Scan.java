package org.openpista.tool.screen.internal;

/**
 * A screen, or a part of it, captured for recognition.
 *
 * @param image the pixels in grey
 * @param what what was captured, for the model
 * @param x where the image's left edge is on the screen
 * @param y where the image's top edge is on the screen
 */
record Scan(GreyImage image, String what, int x, int y) {}
