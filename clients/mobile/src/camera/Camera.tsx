import { CameraView, useCameraPermissions, type BarcodeScanningResult } from 'expo-camera';
import { forwardRef, useImperativeHandle, useRef } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { Button } from '../ui/Button';
import { colors, font, space } from '../ui/theme';
import { shrink, type Photo } from './photo';

export interface CameraHandle {
  /** A photo of what the camera sees now, at most 640 px on its longer side, as JPEG. */
  takePhoto(): Promise<Photo>;
}

export interface CameraProps {
  facing: 'front' | 'back';
  /** What the camera is for, read out by screen readers. */
  label: string;
  /** Called with the text of each QR code seen; scanning is off without it. */
  onCode?: (text: string) => void;
  /** Told when the camera shows a picture and can take photos. */
  onReady?: (ready: boolean) => void;
}

/** Right after it starts, a camera may have no frame yet: try a few times before giving up. */
const SHOT_ATTEMPTS = 8;
const SHOT_PAUSE_MS = 300;

/**
 * The camera, asking for permission first. On the web, expo-camera renders a <video> element
 * showing the stream; it stays visible.
 */
export const Camera = forwardRef<CameraHandle, CameraProps>(function Camera(
  { facing, label, onCode, onReady },
  ref,
) {
  const [permission, requestPermission] = useCameraPermissions();
  const view = useRef<CameraView>(null);

  useImperativeHandle(ref, () => ({
    async takePhoto() {
      const camera = view.current;
      if (!camera) throw new Error('The camera is not ready.');
      for (let attempt = 1; ; attempt++) {
        try {
          const shot = await camera.takePictureAsync({ quality: 0.8, base64: false });
          if (shot) return await shrink({ uri: shot.uri, width: shot.width, height: shot.height });
        } catch (err) {
          if (attempt >= SHOT_ATTEMPTS)
            throw new Error('No picture could be taken. Try again.', { cause: err });
        }
        if (attempt >= SHOT_ATTEMPTS) throw new Error('No picture could be taken. Try again.');
        await new Promise((r) => setTimeout(r, SHOT_PAUSE_MS));
      }
    },
  }));

  if (!permission) {
    return <Text style={styles.text}>Starting the camera…</Text>;
  }
  if (!permission.granted) {
    return (
      <View style={styles.ask}>
        <Text style={styles.text}>
          roomkey needs the camera to read the door&apos;s code and to take photos of your face.
        </Text>
        {permission.canAskAgain ? (
          <Button label="Allow the camera" onPress={() => void requestPermission()} />
        ) : (
          <Text style={styles.text}>
            Allow the camera for roomkey in your phone&apos;s settings.
          </Text>
        )}
      </View>
    );
  }
  return (
    <View style={styles.frame} accessible accessibilityLabel={label}>
      <CameraView
        ref={view}
        style={StyleSheet.absoluteFill}
        facing={facing}
        mirror={facing === 'front'}
        onCameraReady={() => onReady?.(true)}
        onMountError={() => onReady?.(false)}
        barcodeScannerSettings={onCode ? { barcodeTypes: ['qr'] } : undefined}
        onBarcodeScanned={onCode ? (r: BarcodeScanningResult) => onCode(r.data) : undefined}
      />
    </View>
  );
});

const styles = StyleSheet.create({
  frame: {
    width: '100%',
    aspectRatio: 3 / 4,
    maxHeight: 480,
    backgroundColor: '#000',
    borderRadius: 12,
    overflow: 'hidden',
    marginVertical: space.s,
  },
  ask: { padding: space.m, backgroundColor: colors.surface, borderRadius: 12 },
  text: { fontSize: font.body, color: colors.text, marginVertical: space.s },
});
