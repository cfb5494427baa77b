package org.cohortex;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A problem with what the user gave us (a file, a column, a setting), as opposed to a bug. The
 * message names the file, line, column or sample and says what to do; the CLI maps it to exit
 * code 1 without a stack trace.
 *
 * <p>Engines name their settings with {@link #setting} tokens ({@code {@num_sv}}), not as a flag:
 * the same engine runs under a command line and under a YAML configuration. {@link #getMessage}
 * writes a token as a command-line flag ({@code --num-sv}); {@link #render} as anything else (the
 * configuration layer writes {@code analysis.num_sv}).
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern TOKEN = Pattern.compile("\\{@([a-z0-9_]+)}");

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The token that names a setting in a message: {@code setting("num_sv")} = {@code {@num_sv}}. */
    public static String setting(String name) { return "{@" + name + "}"; }

    /** A setting as a command-line flag: num_sv is --num-sv. */
    public static String flag(String setting) { return "--" + setting.replace('_', '-'); }

    /** The message with every setting written as a command-line flag. */
    @Override
    public String getMessage() { return render(UserException::flag); }

    /** The message with every setting named by {@code name} (e.g. a YAML key). */
    public String render(UnaryOperator<String> name) {
        String m = super.getMessage();
        if (m == null || m.indexOf("{@") < 0) return m;
        Matcher t = TOKEN.matcher(m);
        StringBuilder sb = new StringBuilder();
        while (t.find()) t.appendReplacement(sb, Matcher.quoteReplacement(name.apply(t.group(1))));
        t.appendTail(sb);
        return sb.toString();
    }
}
