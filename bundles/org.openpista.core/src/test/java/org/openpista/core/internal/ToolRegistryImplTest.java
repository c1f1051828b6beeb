package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

class ToolRegistryImplTest {

    final ToolRegistryImpl registry = new ToolRegistryImpl();
    final ToolContext context = new ToolContext("s", "cli", Path.of("/tmp"), Instant.now().plusSeconds(60), Cancellation.none());

    @Test
    void listsToolsSortedByName() {
        registry.addTool(FakeServiceObjects.of(new FakeTool("b.tool", "b"), new FakeServiceReference<>(Map.of(Tool.NAME, "b.tool"))));
        registry.addTool(FakeServiceObjects.of(new FakeTool("a.tool", "a"), new FakeServiceReference<>(Map.of(Tool.NAME, "a.tool"))));

        assertThat(registry.tools()).extracting(ToolSpec::name).containsExactly("a.tool", "b.tool");
    }

    @Test
    void unknownToolIsAnErrorNamingTheAvailableOnes() {
        registry.addTool(FakeServiceObjects.of(new FakeTool("a.tool", "a"), new FakeServiceReference<>(Map.of(Tool.NAME, "a.tool"))));

        ToolResult result = registry.invoke(new ToolCall("1", "nope", "{}"), context);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("unknown tool \"nope\"").contains("a.tool");
    }

    @Test
    void failingToolBecomesAnErrorResult() {
        Tool broken = new FakeTool("x.tool", "") {
            @Override
            public ToolResult execute(ToolCall call, ToolContext ctx) {
                throw new IllegalArgumentException("bad things");
            }
        };
        registry.addTool(FakeServiceObjects.of(broken, new FakeServiceReference<>(Map.of(Tool.NAME, "x.tool"))));

        ToolResult result = registry.invoke(new ToolCall("1", "x.tool", "{}"), context);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("tool x.tool failed: bad things");
    }

    @Test
    void higherRankingWinsAndTheOtherTakesOverWhenItLeaves() {
        FakeServiceReference<Tool> low = new FakeServiceReference<>(Map.of(Tool.NAME, "t", Constants.SERVICE_RANKING, 0));
        FakeServiceReference<Tool> high = new FakeServiceReference<>(Map.of(Tool.NAME, "t", Constants.SERVICE_RANKING, 10));
        FakeTool lowTool = new FakeTool("t", "low");
        FakeTool highTool = new FakeTool("t", "high");
        registry.addTool(FakeServiceObjects.of(lowTool, low));
        registry.addTool(FakeServiceObjects.of(highTool, high));

        assertThat(registry.invoke(new ToolCall("1", "t", "{}"), context).content()).isEqualTo("high");
        registry.removeTool(high);
        assertThat(registry.invoke(new ToolCall("2", "t", "{}"), context).content()).isEqualTo("low");
        registry.removeTool(low);
        assertThat(registry.tools()).isEmpty();
    }

    static final String PARAMETERS = "{\"type\":\"object\",\"properties\":{\"who\":{\"type\":\"string\"}}}";

    /** @return the properties of a tool "t" that publishes its spec */
    static Map<String, Object> publishing(String description) {
        return Map.of(Tool.NAME, "t", Tool.DESCRIPTION, description, Tool.PARAMETERS, PARAMETERS);
    }

    @Test
    void aToolThatPublishesItsSpecIsOfferedFromItsPropertiesAndGotOnlyAtItsFirstCall() {
        FakeServiceObjects service = FakeServiceObjects.of(new FakeTool("t", "done"),
                new FakeServiceReference<>(publishing("Greets someone.")));
        registry.addTool(service);

        assertThat(registry.tools()).containsExactly(new ToolSpec("t", "Greets someone.", PARAMETERS));
        assertThat(registry.approvalOf("t")).isEmpty();
        assertThat(registry.approvalNote("t")).isEmpty();
        assertThat(service.gets).as("listing, approval look-ups: the service is not got").hasValue(0);

        assertThat(registry.invoke(new ToolCall("1", "t", "{}"), context).content()).isEqualTo("done");
        assertThat(registry.invoke(new ToolCall("2", "t", "{}"), context).content()).isEqualTo("done");
        assertThat(service.gets).as("got once, at the first call").hasValue(1);
    }

    @Test
    void aPublishedSpecIsReadOnceAndAgainWhenItsPropertiesChange() {
        FakeServiceReference<Tool> reference = new FakeServiceReference<>(publishing("Greets someone."));
        registry.addTool(FakeServiceObjects.of(new FakeTool("t", "done"), reference));
        ToolSpec first = registry.tools().get(0);
        assertThat(registry.tools().get(0)).as("the same spec, not read again").isSameAs(first);

        reference.set(Tool.DESCRIPTION, "Greets everyone.");
        registry.updatedTool(reference);

        assertThat(registry.tools()).containsExactly(new ToolSpec("t", "Greets everyone.", PARAMETERS));
    }

    @Test
    void aToolWithoutSpecPropertiesIsGotWhenTheToolsAreListedAndAskedEveryTime() {
        int[] asked = new int[1];
        FakeTool plain = new FakeTool("t", "done") {
            @Override
            public ToolSpec spec() {
                asked[0]++;
                return new ToolSpec("t", "version " + asked[0], null);
            }
        };
        FakeServiceObjects service = FakeServiceObjects.of(plain, new FakeServiceReference<>(Map.of(Tool.NAME, "t")));
        registry.addTool(service);
        assertThat(service.gets).as("not at binding").hasValue(0);

        assertThat(registry.tools()).extracting(ToolSpec::description).containsExactly("version 1");
        assertThat(registry.tools()).as("a spec that changes is seen").extracting(ToolSpec::description)
                .containsExactly("version 2");
        assertThat(service.gets).hasValue(1);
    }

    @Test
    void aDescriptionThatIsNoTextFallsBackToTheServicesOwnSpec() {
        FakeServiceObjects service = FakeServiceObjects.of(new FakeTool("t", "done"),
                new FakeServiceReference<>(Map.of(Tool.NAME, "t", Tool.DESCRIPTION, new String[] {"two", "lines"})));
        registry.addTool(service);

        assertThat(registry.tools()).extracting(ToolSpec::description).containsExactly("test tool t");
        assertThat(service.gets).hasValue(1);
    }

    @Test
    void aToolWhoseServiceCannotBeGotIsAnErrorResultNotACrash() {
        FakeServiceObjects failing = FakeServiceObjects.of(null, new FakeServiceReference<>(publishing("Fails.")));
        registry.addTool(failing);

        ToolResult result = registry.invoke(new ToolCall("1", "t", "{}"), context);

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("tool t is not available");
    }

    @Test
    void aPublishedToolBeingSwappedIsStillOfferedAndItsCallWaitsWithoutGettingTheOldService() throws Exception {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle bundle = new SwappedBundle();
        FakeServiceReference<Tool> old = new FakeServiceReference<>(publishing("Old."), bundle.bundle());
        FakeServiceObjects oldService = FakeServiceObjects.of(new FakeTool("t", "old"), old);
        swapping.addTool(oldService);
        bundle.state = Bundle.STOPPING;
        swapping.removeTool(old);

        assertThat(swapping.tools()).as("the published spec is kept").containsExactly(new ToolSpec("t", "Old.", PARAMETERS));
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> swapping.invoke(new ToolCall("1", "t", "{}"), context));
        Thread.sleep(200);
        assertThat(call).isNotDone();
        bundle.state = Bundle.ACTIVE;
        bundle.lastModified = System.currentTimeMillis();
        FakeServiceObjects newService = FakeServiceObjects.of(new FakeTool("t", "new"),
                new FakeServiceReference<>(publishing("New."), bundle.bundle()));
        swapping.addTool(newService);

        assertThat(call.get(5, TimeUnit.SECONDS).content()).isEqualTo("new");
        assertThat(oldService.gets).as("the leaving service is never got").hasValue(0);
        assertThat(newService.gets).hasValue(1);
        assertThat(swapping.tools()).extracting(ToolSpec::description).containsExactly("New.");
    }

    @Test
    void toolWithoutNamePropertyIsIgnored() {
        registry.addTool(FakeServiceObjects.of(new FakeTool("x", "x"), new FakeServiceReference<>(Map.of())));
        assertThat(registry.tools()).isEmpty();
    }

    /** A bundle whose state and last modification the test sets. */
    static final class SwappedBundle {
        volatile int state = Bundle.ACTIVE;
        volatile long lastModified = System.currentTimeMillis() - 60_000;

        Bundle bundle() {
            return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getState" -> state;
                        case "getLastModified" -> lastModified;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    /** @return the bundle of a tool "t" (answering "old") whose service left as the bundle stopped for a swap */
    static SwappedBundle leftForSwap(ToolRegistryImpl registry, Map<String, Object> properties) {
        SwappedBundle bundle = new SwappedBundle();
        FakeServiceReference<Tool> old = new FakeServiceReference<>(properties, bundle.bundle());
        FakeTool oldTool = new FakeTool("t", "old");
        registry.addTool(FakeServiceObjects.of(oldTool, old));
        // the model has seen it: a spec not published in the properties is known from the last listing
        assertThat(registry.tools()).extracting(ToolSpec::name).contains("t");
        bundle.state = Bundle.STOPPING;
        registry.removeTool(old);
        return bundle;
    }

    @Test
    void aCallWaitsForTheNewVersionWhileTheToolsBundleIsUpdated() throws Exception {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle bundle = leftForSwap(swapping, Map.of(Tool.NAME, "t"));

        assertThat(swapping.tools()).as("still offered while it is swapped").extracting(ToolSpec::name).containsExactly("t");
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> swapping.invoke(new ToolCall("1", "t", "{}"), context));
        Thread.sleep(300);
        assertThat(call).isNotDone();
        bundle.state = Bundle.ACTIVE;
        bundle.lastModified = System.currentTimeMillis();
        swapping.addTool(FakeServiceObjects.of(new FakeTool("t", "new"), new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle())));

        assertThat(call.get(5, TimeUnit.SECONDS).content()).isEqualTo("new");
    }

    @Test
    void aCallWaitsWhileARefreshRestartsTheBundleLongAfterItsUpdate() throws Exception {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        // the refresh that follows an update stops the bundle; its last modification is the update's, long ago
        SwappedBundle bundle = leftForSwap(swapping, Map.of(Tool.NAME, "t"));
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> swapping.invoke(new ToolCall("1", "t", "{}"), context));
        Thread.sleep(200);
        // active again, but SCR has not registered the component's service yet
        bundle.state = Bundle.ACTIVE;
        Thread.sleep(300);
        assertThat(call).as("the bundle is active, its tool not yet back").isNotDone();
        assertThat(swapping.tools()).extracting(ToolSpec::name).containsExactly("t");
        swapping.addTool(FakeServiceObjects.of(new FakeTool("t", "new"), new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle())));

        assertThat(call.get(5, TimeUnit.SECONDS).content()).isEqualTo("new");
    }

    @Test
    void aToolBeingSwappedKeepsItsApprovalModeAndNote() {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle bundle = leftForSwap(swapping, Map.of(Tool.NAME, "t", Tool.APPROVAL, "ask", Tool.APPROVAL_NOTE,
                "runs commands"));

        assertThat(swapping.approvalOf("t")).as("not unset while a call waits for the new version").isEqualTo("ask");
        assertThat(swapping.approvalNote("t")).isEqualTo("runs commands");
        swapping.addTool(FakeServiceObjects.of(new FakeTool("t", "new"), new FakeServiceReference<>(Map.of(Tool.NAME, "t", Tool.APPROVAL, "deny"),
                bundle.bundle())));
        assertThat(swapping.approvalOf("t")).as("the new version's own").isEqualTo("deny");
        assertThat(swapping.approvalNote("t")).isEmpty();
    }

    @Test
    void callsAndListingsRacingManySwapsAlwaysFindTheTool() throws Exception {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle bundle = new SwappedBundle();
        FakeTool first = new FakeTool("t", "v0");
        FakeServiceReference<Tool> firstReference = new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle());
        swapping.addTool(FakeServiceObjects.of(first, firstReference));
        // listed once before the swaps, as every turn does: a spec not published in the properties is known
        // from the listing, and each new version keeps offering it until it is asked for its own
        assertThat(swapping.tools()).extracting(ToolSpec::name).containsExactly("t");
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> callers = CompletableFuture.runAsync(() -> {
            for (int i = 0; !done.get() && problems.isEmpty(); i++) {
                ToolResult result = swapping.invoke(new ToolCall(Integer.toString(i), "t", "{}"), context);
                if (result.error()) {
                    problems.add("call " + i + ": " + result.content());
                }
                if (swapping.tools().stream().noneMatch(spec -> spec.name().equals("t"))) {
                    problems.add("listing " + i + " lacks t");
                }
            }
        });
        // what an update does on one thread: the old service leaves while its bundle stops, the new one comes
        FakeTool current = first;
        FakeServiceReference<Tool> currentReference = firstReference;
        for (int swap = 1; swap <= 20_000 && problems.isEmpty(); swap++) {
            bundle.state = Bundle.STOPPING;
            swapping.removeTool(currentReference);
            bundle.state = Bundle.ACTIVE;
            bundle.lastModified = System.currentTimeMillis();
            current = new FakeTool("t", "v" + swap);
            currentReference = new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle());
            swapping.addTool(FakeServiceObjects.of(current, currentReference));
        }
        done.set(true);
        callers.get(60, TimeUnit.SECONDS);

        assertThat(problems).isEmpty();
    }

    @Test
    void aBundleThatIsActiveAgainWithoutTheToolEndsTheWaitAfterTheGrace() {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(30));
        SwappedBundle bundle = leftForSwap(swapping, Map.of(Tool.NAME, "t"));
        bundle.state = Bundle.ACTIVE;

        long started = System.nanoTime();
        assertThat(swapping.invoke(new ToolCall("1", "t", "{}"), context).content()).contains("unknown tool \"t\"");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the grace, not the whole swap wait")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aCallThatFailsBecauseItsServiceLeftForASwapRunsAgainOnTheNewVersion() {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle bundle = new SwappedBundle();
        FakeServiceReference<Tool> old = new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle());
        Tool[] leaving = new Tool[1];
        leaving[0] = new FakeTool("t", "") {
            @Override
            public ToolResult execute(ToolCall call, ToolContext ctx) {
                // the bundle is updated in the middle of the call: the service leaves, the new one comes
                bundle.state = Bundle.STOPPING;
                swapping.removeTool(old);
                bundle.state = Bundle.ACTIVE;
                bundle.lastModified = System.currentTimeMillis();
                swapping.addTool(FakeServiceObjects.of(new FakeTool("t", "new"), new FakeServiceReference<>(Map.of(Tool.NAME, "t"), bundle.bundle())));
                throw new IllegalStateException("class loader closed");
            }
        };
        swapping.addTool(FakeServiceObjects.of(leaving[0], old));

        ToolResult result = swapping.invoke(new ToolCall("1", "t", "{}"), context);

        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("new");
    }

    @Test
    void aToolWhoseBundleIsUninstalledOrWhoseComponentWentAwayIsGoneAtOnce() {
        ToolRegistryImpl swapping = new ToolRegistryImpl(Duration.ofSeconds(10));
        SwappedBundle uninstalled = new SwappedBundle();
        FakeServiceReference<Tool> removed = new FakeServiceReference<>(Map.of(Tool.NAME, "u"), uninstalled.bundle());
        FakeTool removedTool = new FakeTool("u", "u");
        swapping.addTool(FakeServiceObjects.of(removedTool, removed));
        uninstalled.state = Bundle.STOPPING;
        swapping.removeTool(removed);
        uninstalled.state = Bundle.UNINSTALLED;
        SwappedBundle running = new SwappedBundle();
        FakeServiceReference<Tool> disabled = new FakeServiceReference<>(Map.of(Tool.NAME, "d"), running.bundle());
        FakeTool disabledTool = new FakeTool("d", "d");
        swapping.addTool(FakeServiceObjects.of(disabledTool, disabled));
        swapping.removeTool(disabled);
        // a service unregistered by a bundle that stays active, even one installed just now
        SwappedBundle fresh = new SwappedBundle();
        fresh.lastModified = System.currentTimeMillis();
        FakeServiceReference<Tool> unregistered = new FakeServiceReference<>(Map.of(Tool.NAME, "f"), fresh.bundle());
        FakeTool freshTool = new FakeTool("f", "f");
        swapping.addTool(FakeServiceObjects.of(freshTool, unregistered));
        swapping.removeTool(unregistered);

        long started = System.nanoTime();
        assertThat(swapping.tools()).isEmpty();
        assertThat(swapping.invoke(new ToolCall("1", "u", "{}"), context).content()).contains("unknown tool \"u\"");
        assertThat(swapping.invoke(new ToolCall("2", "d", "{}"), context).content()).contains("unknown tool \"d\"");
        assertThat(swapping.invoke(new ToolCall("3", "f", "{}"), context).content()).contains("unknown tool \"f\"");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
}
