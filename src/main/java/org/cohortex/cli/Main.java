package org.cohortex.cli;

import java.io.PrintWriter;

import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.io.Numbers;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Exit codes: 0 success, 1 bad input (one clear message), 2 bad usage,
 * 70 internal error (a bug: stack trace printed, please report).
 */
@Command(name = "cohortex", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Cohort-scale, cell-type-resolved differential expression.",
        subcommands = {DemoCommand.class, RunCommand.class, DeCommand.class, CellTypeDeCommand.class, SvaCommand.class,
                DeconvolveCommand.class,
                ImputeCommand.class, EnrichCommand.class, PrsCommand.class, SimulateCommand.class, ReportCommand.class,
                        DevicesCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_INTERNAL = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
    }

    public static void main(String[] args) {
        int relaunched = OpenBlasSpin.relaunch(args); // the same command in a JVM whose OpenBLAS threads sleep between calls
        if (relaunched >= 0) System.exit(relaunched);
        OpenBlasSpin.watchLauncher();
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this without exiting the JVM). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    /** As {@link #execute(String...)}, with error messages going to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // numbers in options as R writes them: not Java's 5f, 0x1p3, NaN or Infinity
        CommandLine.ITypeConverter<Double> number = s -> {
            double v = Numbers.isDecimal(s.strip()) ? Numbers.parse(s) : Double.NaN;
            if (!Double.isFinite(v)) throw new CommandLine.TypeConversionException("'" + s + "' is not a number");
            return v;
        };
        cl.registerConverter(Double.class, number);
        cl.registerConverter(Double.TYPE, number);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserException) {
                err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + ex.getMessage());
                err.flush();
                return 1;
            }
            err.println(cmd.getCommandSpec().qualifiedName() + ": internal error (please report, with the command line): " + ex);
            ex.printStackTrace(err);
            err.flush();
            return EXIT_INTERNAL;
        });
        return cl;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cohortex " + Version.get(), "Java " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vm.name") + ")", OpenBlasSpin.describe()};
        }
    }
}
