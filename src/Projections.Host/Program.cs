return await Projections.Host.HostProgram.RunAsync(args, Console.Out, Console.Error);
