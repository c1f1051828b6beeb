import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/**
 * Times screen.capture and screen.ocr as the agent calls them, on the display in DISPLAY, with the
 * bundle's default settings: bench/screen-latency.sh runs it against Xvfb. Prints the first call
 * and the median of the rest, and the size of the PNG and of the text.
 */
public class ScreenLatency {
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Class<?> config = Class.forName("org.openpista.tool.screen.internal.ScreenConfig");
        Object defaults = Proxy.newProxyInstance(config.getClassLoader(), new Class<?>[] {config},
                (proxy, method, arguments) -> method.getDefaultValue());
        for (String name : new String[] {"ScreenCaptureTool", "ScreenOcrTool"}) {
            Constructor<?> constructor = Class.forName("org.openpista.tool.screen.internal." + name)
                    .getDeclaredConstructor(config, Map.class, String.class);
            constructor.setAccessible(true);
            Tool tool = (Tool) constructor.newInstance(defaults, System.getenv(), System.getProperty("os.name"));
            List<Long> times = new ArrayList<>();
            ToolResult last = null;
            for (int i = 0; i <= runs; i++) {
                ToolContext context = new ToolContext("bench", "cli", Path.of("/tmp"), Instant.now().plusSeconds(600),
                        Cancellation.none());
                long start = System.nanoTime();
                last = tool.execute(new ToolCall("c" + i, tool.spec().name(), "{}"), context);
                times.add((System.nanoTime() - start) / 1_000_000);
                if (last.error()) {
                    throw new IllegalStateException(last.content());
                }
            }
            long first = times.remove(0);
            Collections.sort(times);
            String size = last.attachments().isEmpty() ? last.content().length() + " characters of text"
                    : last.attachments().get(0).size() / 1024 + " KB PNG";
            System.out.printf("%-15s first %5d ms   median %5d ms   max %5d ms   (%d runs; %s)%n", tool.spec().name(),
                    first, times.get(times.size() / 2), times.get(times.size() - 1), runs, size);
        }
    }
}
