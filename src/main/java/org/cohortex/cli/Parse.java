package org.cohortex.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import java.util.function.Supplier;

import org.cohortex.UserException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

final class Parse {
    private Parse() {}

    /**
     * Builds what a command asks for from its options; a setting the engine refuses at this point
     * (before any input is read) is a usage error, exit 2, with the option named.
     */
    static <T> T usage(CommandSpec spec, Supplier<T> build) {
        try {
            return build.get();
        } catch (UserException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String flag, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) return e;
        }
        throw new UserException(flag + " " + value + ": choose one of "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
