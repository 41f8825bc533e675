use std::process::ExitCode;

fn main() -> ExitCode {
    edxc::memory::init();
    edxc::cli::main()
}
