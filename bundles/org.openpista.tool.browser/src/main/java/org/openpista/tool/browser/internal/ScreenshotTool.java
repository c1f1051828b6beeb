package org.openpista.tool.browser.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code browser.screenshot}: a PNG of the tab as an attachment, which channels show to the user;
 * the model gets a line about it, never the image as text.
 */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + ScreenshotTool.NAME,
            Tool.DESCRIPTION + "=" + ScreenshotTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + ScreenshotTool.PARAMETERS
        })
public final class ScreenshotTool extends BrowserTool {

    static final String NAME = "browser.screenshot";

    static final String DESCRIPTION = "Takes a PNG screenshot of the current page and attaches it to the answer for the user"
            + " (you do not see the image; browser.snapshot gives the page as text). full_page captures the whole"
            + " page instead of the window; labels draws each ref of the latest snapshot on its element; path"
            + " also saves the PNG in the workspace.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"full_page":{"type":"boolean",\
            "description":"The whole scrollable page instead of the visible window (default false)."},\
            "labels":{"type":"boolean","description":"Draw the refs of the latest snapshot on their elements (default false)."},\
            "path":{"type":"string","description":"Also save the PNG here, relative to the workspace."}}}""";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Activate
    public ScreenshotTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        boolean fullPage = arguments.bool("full_page", false);
        boolean labels = arguments.bool("labels", false);
        String path = arguments.string("path");
        return browser.call(context, Duration.ofSeconds(90), visit -> {
            Tab tab = visit.tab();
            tab.requireNoDialog();
            Tab.Location location = tab.location();
            if (labels && !tab.refs().hasSnapshot()) {
                PageReader.snapshot(tab, location.url(), browser.settings().snapshotChars());
            }
            Screenshots.Shot shot = Screenshots.capture(tab, fullPage, labels);
            String name = "screenshot-" + LocalDateTime.now().format(STAMP) + ".png";
            String saved = path == null || path.isBlank() ? "" : " Saved as " + save(visit.workspace(), path,
                    shot.png()) + ".";
            String text = "Took a screenshot of " + location.url() + (location.title().isEmpty() ? "" : " (\""
                    + location.title() + "\")") + ": " + shot.width() + "×" + shot.height() + " PNG, "
                    + Math.max(1, shot.png().length / 1024) + " KB" + (labels ? ", " + shot.labels() + " refs drawn"
                    : "") + (shot.cut() ? ", cut at " + Screenshots.MAX_HEIGHT + " pixels of height" : "")
                    + ". It is attached for the user; you do not see it (browser.snapshot gives the page as text)."
                    + saved;
            return new ToolResult(text, false, List.of(new Attachment("image/png", name, shot.png())));
        });
    }

    private static Path save(Path workspace, String path, byte[] png) {
        Path file;
        try {
            file = workspace.resolve(path.strip()).normalize();
        } catch (InvalidPathException e) {
            throw Arguments.invalid("\"path\" is not a valid path");
        }
        if (!file.startsWith(workspace.normalize()) || file.equals(workspace.normalize())) {
            throw Arguments.invalid("\"path\" must be a file inside the workspace (" + workspace + ")");
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new BrowserException(BrowserException.Kind.BROWSER_ERROR, "cannot save " + file + ": "
                    + e.getMessage());
        }
        return workspace.normalize().relativize(file);
    }
}
