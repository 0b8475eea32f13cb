using OpenClaw.Cli;

return await CliApp.RunAsync(args);
