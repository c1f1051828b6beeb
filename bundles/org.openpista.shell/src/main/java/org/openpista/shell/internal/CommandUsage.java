package org.openpista.shell.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.gogo.runtime.CommandProxy;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;

/**
 * The answer to a Gogo command called with arguments none of its methods takes: instead of Gogo's
 * "Cannot coerce whatsapp() to any of [(String), (String, String, String)]", the ways the command
 * can be called, read from its methods (their {@link Descriptor}s and {@link Parameter} options where
 * the command has them, else the parameter types). It works for every command in the session, ours,
 * a plugin's and Felix's own, since it asks Gogo which object serves the name.
 */
final class CommandUsage {

    /** Gogo's message when no method of a command takes the arguments given. */
    private static final Pattern WRONG_ARGUMENTS = Pattern.compile("^Cannot coerce ([^\\s(]+)\\(");
    /** The session variable Gogo answers with every command name, {@code scope:function}. */
    private static final String COMMANDS = ".commands";

    private CommandUsage() {}

    /**
     * @param session the session the command ran in
     * @param commandLine what was typed
     * @param failure what the command failed with
     * @return the usage of the command, when the failure is Gogo's for arguments that fit no method
     */
    static Optional<String> explain(CommandSession session, String commandLine, Exception failure) {
        Matcher wrong = WRONG_ARGUMENTS.matcher(String.valueOf(failure.getMessage()));
        if (!(failure instanceof IllegalArgumentException) || !wrong.find()) {
            return Optional.empty();
        }
        String function = wrong.group(1).toLowerCase(Locale.ROOT);
        List<String> lines = new ArrayList<>();
        String named = "";
        for (String command : candidates(session, commandLine, function)) {
            Class<?> type = typeOf(session.get(command));
            if (type != null) {
                List<String> usage = usage(command, function, type);
                lines.addAll(usage);
                named = named.isEmpty() && !usage.isEmpty() ? command : named;
            }
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("wrong arguments for ").append(named).append("; usage:");
        lines.forEach(line -> text.append('\n').append(line));
        return Optional.of(text.toString());
    }

    /** @return the commands that may have failed: the one typed if it has the function's name, else every scope's */
    private static List<String> candidates(CommandSession session, String commandLine, String function) {
        Object names = session.get(COMMANDS);
        List<String> all = new ArrayList<>();
        if (names instanceof Collection<?> collection) {
            collection.stream().map(Object::toString).filter(name -> name.toLowerCase(Locale.ROOT).endsWith(":" + function))
                    .sorted().forEach(all::add);
        }
        String typed = commandLine.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return all.contains(typed) ? List.of(typed) : all;
    }

    /** @return the class of the object serving a command, {@code null} when it is none */
    private static Class<?> typeOf(Object command) {
        if (command instanceof CommandProxy proxy) {
            Object target = proxy.getTarget();
            try {
                return target == null ? null : target.getClass();
            } finally {
                proxy.ungetTarget();
            }
        }
        return command == null ? null : command.getClass();
    }

    /**
     * @param command the command as typed, such as {@code openpista:cron}
     * @param function the function name
     * @param type the class serving it
     * @return one line per way of calling it, shortest first, each followed by its description when it has one
     */
    static List<String> usage(String command, String function, Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            String name = method.getName().toLowerCase(Locale.ROOT);
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                    && (name.equals(function) || name.equals("get" + function) || name.equals("is" + function)
                            || name.equals("set" + function) || name.equals("_main"))) {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparingInt(Method::getParameterCount).thenComparing(Method::toGenericString));
        List<String> lines = new ArrayList<>();
        for (Method method : methods) {
            StringBuilder line = new StringBuilder("  ").append(command);
            Class<?>[] parameters = method.getParameterTypes();
            Annotation[][] annotations = method.getParameterAnnotations();
            for (int i = 0; i < parameters.length; i++) {
                if (CommandSession.class.isAssignableFrom(parameters[i])) {
                    continue;
                }
                line.append(' ').append(parameter(parameters[i], annotations[i]));
            }
            lines.add(line.toString());
            Descriptor descriptor = method.getAnnotation(Descriptor.class);
            if (descriptor != null) {
                lines.add("      " + descriptor.value());
            }
        }
        return lines;
    }

    /** @return one parameter: an option in brackets, or a value named by its description or its type */
    private static String parameter(Class<?> type, Annotation[] annotations) {
        Descriptor descriptor = null;
        Parameter option = null;
        for (Annotation annotation : annotations) {
            if (annotation instanceof Descriptor found) {
                descriptor = found;
            } else if (annotation instanceof Parameter found) {
                option = found;
            }
        }
        String value = descriptor != null ? "<" + descriptor.value() + ">" : typeName(type);
        if (option == null) {
            return value;
        }
        String names = String.join("|", Arrays.asList(option.names()));
        return Parameter.UNSPECIFIED.equals(option.presentValue()) ? "[" + names + " " + value + "]" : "[" + names + "]";
    }

    private static String typeName(Class<?> type) {
        if (type.isArray() || List.class.isAssignableFrom(type)) {
            return "VALUE...";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "NUMBER";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true|false";
        }
        return CharSequence.class.isAssignableFrom(type) ? "TEXT" : type.getSimpleName().toUpperCase(Locale.ROOT);
    }
}
