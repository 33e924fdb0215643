namespace PlantTracking.Events;

/// <summary>A person wrote a note on an item. <paramref name="Text"/> is free text, untrusted.</summary>
public sealed record AnnotationAdded(string ItemId, string AnnotationId, string Author, string Text, DateTimeOffset At);

public sealed record AnnotationEdited(string ItemId, string AnnotationId, string Author, string Text, DateTimeOffset At);

public sealed record AnnotationRemoved(string ItemId, string AnnotationId, string Author, DateTimeOffset At);
