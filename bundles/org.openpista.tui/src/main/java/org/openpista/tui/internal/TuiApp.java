package org.openpista.tui.internal;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of the UI: events (keys, the terminal's size, what the backend reports, ticks) go
 * through {@link Update} one at a time; the effects it asks for are handed to the backend; then
 * the new state is drawn. Events that arrived meanwhile are taken together and drawn once, so a
 * fast stream of answer pieces or a paste costs one frame, not one per piece.
 */
final class TuiApp {

    private static final Logger LOG = LoggerFactory.getLogger(TuiApp.class);
    /** How often the thinking indicator turns. */
    private static final long TICK_MILLIS = 100;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Backend backend;
    private final Outside outside;
    private final Sessions sessions;
    private final Styles styles;

    TuiApp(Backend backend, Outside outside, Sessions sessions, Styles styles) {
        this.backend = backend;
        this.outside = outside;
        this.sessions = sessions;
        this.styles = styles;
    }

    /**
     * Runs the UI on the screen until the user leaves.
     *
     * @param sessionId the session to show, or {@code null} for the Home screen
     * @return the exit status
     */
    int run(TerminalScreen screen, String sessionId) throws InterruptedException {
        View view = new View(styles);
        State state = State.initial(screen.width(), screen.height()).at(System.currentTimeMillis());
        if (sessionId != null) {
            state = state.withSession(sessionId).withScreen(State.Screen.CHAT);
        }
        screen.onResize((columns, rows) -> events.add(new Event.Resized(columns, rows)));
        Thread input = new Thread(() -> readKeys(screen), "openpista-tui-keys");
        input.setDaemon(true);
        input.start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-tui-tick");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> events.add(new Event.Tick(System.currentTimeMillis())), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        try {
            backend.start(events::add, sessionId);
            state = draw(screen, view, state);
            while (!state.exit()) {
                State before = state;
                boolean redraw = false;
                List<Effect> effects = new ArrayList<>();
                Event event = events.take();
                while (event != null) {
                    if (event instanceof Event.Resized resized) {
                        screen.resize(resized.width(), resized.height());
                        redraw = true;
                    }
                    Step step = Update.update(state, event);
                    state = step.state();
                    effects.addAll(step.effects());
                    if (state.exit()) {
                        break;
                    }
                    event = events.poll();
                }
                for (Effect effect : effects) {
                    perform(effect, screen);
                    redraw |= effect instanceof Effect.Redraw;
                }
                if ((state != before || redraw) && !state.exit()) {
                    state = draw(screen, view, state);
                }
            }
            return 0;
        } finally {
            ticker.shutdownNow();
        }
    }

    private static State draw(TerminalScreen screen, View view, State state) {
        View.Frame frame = view.render(state);
        screen.draw(frame);
        // the conversation cannot scroll further than it is long: keep what was drawn
        return frame.scroll() == state.scroll() ? state : state.withScroll(frame.scroll());
    }

    private void readKeys(TerminalScreen screen) {
        KeyDecoder decoder = new KeyDecoder(screen.keys());
        try {
            while (true) {
                Key key = decoder.next(500);
                if (key != null) {
                    events.add(new Event.KeyPressed(key, System.currentTimeMillis()));
                }
            }
        } catch (EOFException e) {
            events.add(new Event.Hangup());
        } catch (IOException e) {
            LOG.debug("Reading the terminal failed", e);
            events.add(new Event.Hangup());
        }
    }

    private void perform(Effect effect, TerminalScreen screen) {
        if (effect instanceof Effect.Send send) {
            String sessionId = send.sessionId();
            if (sessionId == null) {
                sessionId = Sessions.newId();
                events.add(new Event.SessionAssigned(sessionId));
            }
            backend.send(sessionId, send.text());
        } else if (effect instanceof Effect.Cancel cancel) {
            backend.cancel(cancel.sessionId());
        } else if (effect instanceof Effect.Answer answer) {
            backend.answer(answer.sessionId(), answer.callId(), answer.decision());
        } else if (effect instanceof Effect.LoadSessions) {
            backend.sessions();
        } else if (effect instanceof Effect.OpenSession open) {
            backend.open(open.sessionId());
        } else if (effect instanceof Effect.DeleteSession delete) {
            backend.delete(delete.sessionId());
        } else if (effect instanceof Effect.RenameSession rename) {
            try {
                sessions.rename(rename.sessionId(), rename.title());
            } catch (IOException e) {
                events.add(new Event.Notice("the name could not be saved: " + e.getMessage(), true));
            }
        } else if (effect instanceof Effect.LoadModels) {
            backend.models();
        } else if (effect instanceof Effect.SelectModel select) {
            backend.selectModel(select.provider(), select.model());
        } else if (effect instanceof Effect.LoadProviders) {
            backend.providers();
        } else if (effect instanceof Effect.SaveKey save) {
            backend.saveKey(save.provider(), save.key(), save.endpoint());
        } else if (effect instanceof Effect.StartLogin login) {
            backend.startLogin(login.provider());
        } else if (effect instanceof Effect.SubmitCode code) {
            backend.submitCode(code.provider(), code.code());
        } else if (effect instanceof Effect.CancelLogin cancel) {
            backend.cancelLogin(cancel.provider());
        } else if (effect instanceof Effect.RunCommand command) {
            outside.run(command.words(), command.title(), events::add);
        } else if (effect instanceof Effect.WebInfo web) {
            outside.webInfo(web.qr(), events::add);
        } else if (effect instanceof Effect.WatchPairing pairing) {
            backend.pairing(pairing.channel(), pairing.watch());
        } else if (effect instanceof Effect.Redraw) {
            screen.redraw();
        }
    }
}
