package org.openpista.tool.screen.internal;

/**
 * A captured screen or part of one.
 *
 * @param png the image
 * @param width its width in pixels
 * @param height its height in pixels
 * @param what what was captured, for the model: "the X11 display :0 (1920x1080)"
 * @param note something the model should know about the picture, or empty
 */
record Shot(byte[] png, int width, int height, String what, String note) {}
