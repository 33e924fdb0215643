Console.WriteLine("Projections host: being built");
