package org.openpista.channel.support;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made at its first use, once, whichever thread asks first: what an idle channel would
 * otherwise build at its start and never use (a Markdown parser and its classes, say). A making
 * that fails is thrown to the caller and tried again at the next use.
 *
 * @param <T> the value's type
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<? extends T> make;
    private volatile T value;

    private Lazy(Supplier<? extends T> make) {
        this.make = make;
    }

    /**
     * @param make makes the value, at the first {@link #get()}; must not return {@code null}
     * @return the value to be made
     */
    public static <T> Lazy<T> of(Supplier<? extends T> make) {
        return new Lazy<>(Objects.requireNonNull(make, "make"));
    }

    /** @return the value, made now if this is its first use */
    @Override
    public T get() {
        T made = value;
        if (made == null) {
            synchronized (this) {
                made = value;
                if (made == null) {
                    made = Objects.requireNonNull(make.get(), "the value made");
                    value = made;
                }
            }
        }
        return made;
    }
}
