package org.openpista.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A fish completion script for a picocli command tree (picocli makes bash's only). Each command
 * path gets its own condition: a helper function takes the words typed so far that are neither
 * options nor option values and compares them with the path, so {@code web setup} and {@code telegram setup} keep their own options.
 */
final class FishCompletion {

    private FishCompletion() {}

    static String script(String name, CommandLine root) {
        String at = "__" + name + "_at";
        StringBuilder script = new StringBuilder();
        script.append("# fish completion for ").append(name).append(" (").append(name).append(" completion fish)\n");
        script.append("function ").append(at).append(" --description 'the command path typed so far is argv[1]'\n");
        script.append("    set -l typed (commandline -opc)\n");
        script.append("    set -l found\n");
        script.append("    set -l skip 0\n");
        script.append("    for word in $typed[2..-1]\n");
        script.append("        if test $skip = 1\n            set skip 0\n            continue\n        end\n");
        script.append("        switch $word\n");
        script.append("            case ").append(String.join(" ", quoted(valueOptions(root)))).append("\n");
        script.append("                set skip 1\n");
        script.append("            case '-*'\n");
        script.append("            case '*'\n");
        script.append("                set -a found $word\n");
        script.append("        end\n");
        script.append("    end\n");
        script.append("    set -l path (string join ' ' -- $found)\n");
        script.append("    test \"$path\" = \"$argv[1]\"\n");
        script.append("end\n");
        script.append("complete -c ").append(name).append(" -f\n");
        describe(name, at, "", root, script);
        return script.toString();
    }

    private static void describe(String name, String at, String path, CommandLine command, StringBuilder script) {
        String when = " -n " + quote(at + " " + quote(path));
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            if (spec.usageMessage().hidden() || !sub.getKey().equals(spec.name())) {
                continue; // hidden commands and aliases
            }
            script.append("complete -c ").append(name).append(when).append(" -a ").append(quote(sub.getKey()))
                    .append(" -d ").append(quote(summary(spec.usageMessage().description()))).append("\n");
        }
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (option.hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder("complete -c ").append(name).append(when);
            for (String optionName : option.names()) {
                if (optionName.startsWith("--")) {
                    line.append(" -l ").append(quote(optionName.substring(2)));
                } else if (optionName.length() == 2) {
                    line.append(" -s ").append(quote(optionName.substring(1)));
                } else {
                    line.append(" -o ").append(quote(optionName.substring(1)));
                }
            }
            if (takesValue(option)) {
                line.append(option.typeInfo().getType() == java.nio.file.Path.class ? " -r -F" : " -r");
                candidates(option).ifPresent(values -> line.append(" -a ").append(quote(values)));
            }
            line.append(" -d ").append(quote(summary(option.description())));
            script.append(line).append("\n");
        }
        command.getCommandSpec().positionalParameters().stream()
                .filter(positional -> !positional.hidden())
                .map(FishCompletion::candidates)
                .flatMap(java.util.Optional::stream)
                .forEach(values -> script.append("complete -c ").append(name).append(when).append(" -a ")
                        .append(quote(values)).append("\n"));
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            if (sub.getKey().equals(sub.getValue().getCommandSpec().name())
                    && !sub.getValue().getCommandSpec().usageMessage().hidden()) {
                describe(name, at, path.isEmpty() ? sub.getKey() : path + " " + sub.getKey(), sub.getValue(), script);
            }
        }
    }

    /** @return the names of every option in the tree that takes a value (skipped when reading the path) */
    private static TreeSet<String> valueOptions(CommandLine command) {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (takesValue(option)) {
                names.addAll(List.of(option.names()));
            }
        }
        command.getSubcommands().values().forEach(sub -> names.addAll(valueOptions(sub)));
        return names;
    }

    private static boolean takesValue(OptionSpec option) {
        return option.arity().max() > 0 && !option.typeInfo().isBoolean();
    }

    private static java.util.Optional<String> candidates(ArgSpec arg) {
        Iterable<String> values = arg.completionCandidates();
        if (values == null) {
            return java.util.Optional.empty();
        }
        List<String> all = new ArrayList<>();
        values.forEach(all::add);
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(" ", all));
    }

    private static String summary(String[] description) {
        if (description.length == 0) {
            return "";
        }
        // the first sentence, without picocli's line breaks and variables
        String text = description[0].replace("%n", " ").replaceAll("\\$\\{[^}]*}", "").strip();
        int end = text.indexOf(". ");
        return end > 0 ? text.substring(0, end + 1) : text;
    }

    private static List<String> quoted(TreeSet<String> names) {
        return names.stream().map(FishCompletion::quote).toList();
    }

    /** Fish's single quotes: only the backslash and the quote itself are special. */
    static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
