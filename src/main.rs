use std::process::ExitCode;

fn main() -> ExitCode {
    edxc::cli::main()
}
